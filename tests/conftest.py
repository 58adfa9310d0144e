"""Shared fixtures: the repository's policies, checked once per session."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Fuzz budgets: bounded by default (a few seconds a test, in CI); `pytest -m fuzz --hypothesis-profile
# long` runs the fuzz tests for as long as their example counts take.
settings.register_profile("default", deadline=None)
settings.register_profile("long", max_examples=5_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                                 HealthCheck.function_scoped_fixture])
settings.load_profile("default")

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"


@lru_cache(maxsize=None)
def policy_set():
    from yibao.policies.directory import PolicySet
    return PolicySet(POLICIES)


@lru_cache(maxsize=None)
def program(notice: str):
    return policy_set().load(notice)


@lru_cache(maxsize=None)
def evaluator(notice: str):
    from yibao.run.evaluate import Evaluator
    return Evaluator(program(notice))


@pytest.fixture
def load():
    return program


def pytest_configure(config):
    config.addinivalue_line("markers", "fuzz: a hypothesis fuzz test (tests/hostile); bounded unless "
                            "--hypothesis-profile long")


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from the current output")
