"""Shared fixtures: the repository's policies, checked once per session."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"


@lru_cache(maxsize=None)
def policy_set():
    from yibao.policies import PolicySet
    return PolicySet(POLICIES)


@lru_cache(maxsize=None)
def program(notice: str):
    return policy_set().load(notice)


@lru_cache(maxsize=None)
def evaluator(notice: str):
    from yibao.evaluate import Evaluator
    return Evaluator(program(notice))


@pytest.fixture
def load():
    return program


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from the current output")
