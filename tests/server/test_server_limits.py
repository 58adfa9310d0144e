"""The Web API's edges that the main server test does not reach: a notice whose policy has errors is
not served (404 naming why, the other notices still served and listed), and a body streamed without
a Content-Length is cut off at the limit (413) as a declared one is, while one at the limit is read."""
from __future__ import annotations

import shutil
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from conftest import POLICIES
from yibao.server.app import MAX_BODY_BYTES, create_app
from yibao.server.registry import Catalog

FY = "峰岩府发〔2023〕60号"
D24 = "渝医保发〔2023〕24号"
STUDENT = {"group": "student", "tier": 2, "payment_date": "2023-11-01"}


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and "Traceback" not in response.text
    return body["error"]


@pytest.fixture(scope="module")
def broken_client(tmp_path_factory):
    d = tmp_path_factory.mktemp("p") / "policies"
    shutil.copytree(POLICIES, d)
    fy = d / "fengyan-2024.policy"
    s = fy.read_text(encoding="utf-8")
    assert s.count('"三教村", 1589, 1363') == 1
    fy.write_text(s.replace('"三教村", 1589, 1363', '"三教村", 1589, 1364'), encoding="utf-8")  # a wrong total
    with TestClient(create_app(Catalog(d))) as c:
        yield c


def test_a_notice_whose_policy_has_errors_is_404_saying_so(broken_client):
    error = _error(broken_client.post(f"/notices/{quote(FY)}/eval", json=STUDENT), 404)
    assert error["code"] == "unknown_notice" and error["field"] == "document"
    assert error["message"] == (f"{FY} is not served: its policy has errors "
                                "(the column 任务数 adds up to 9391, the notice prints 9390)")


def test_the_other_notices_are_still_served_and_listed(broken_client):
    listed = broken_client.get("/notices").json()
    documents = [n["document"] for n in (listed["notices"] if isinstance(listed, dict) else listed)]
    assert FY not in documents and D24 in documents
    assert broken_client.post(f"/notices/{quote(D24)}/eval", json=STUDENT).status_code == 200


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Catalog(POLICIES))) as c:
        yield c


def chunks(body: bytes, size: int = 1 << 16):
    for i in range(0, len(body), size):
        yield body[i:i + size]


def test_a_streamed_body_over_the_limit_is_413(client):
    body = b'{"cases": [' + b" " * MAX_BODY_BYTES + b"]}"
    response = client.post(f"/notices/{quote(D24)}/eval", content=chunks(body),
                           headers={"content-type": "application/json"})
    assert "content-length" not in {k.lower() for k in response.request.headers}  # chunked: no size declared
    error = _error(response, 413)
    assert error["code"] == "too_large" and str(MAX_BODY_BYTES) in error["message"]


def test_a_streamed_body_of_exactly_the_limit_is_read(client):
    case = b'{"group": "student", "tier": 2, "payment_date": "2023-11-01"}'
    body = case + b" " * (MAX_BODY_BYTES - len(case))
    assert len(body) == MAX_BODY_BYTES
    response = client.post(f"/notices/{quote(D24)}/eval", content=chunks(body),
                           headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text
    assert response.json() == client.post(f"/notices/{quote(D24)}/eval", json=STUDENT).json()
    assert response.json()["contribution"] == "725.00"


def test_a_declared_length_over_the_limit_is_413_before_the_body_is_read(client):
    response = client.post(f"/notices/{quote(D24)}/eval", content=b"{}",
                           headers={"content-type": "application/json", "content-length": str(MAX_BODY_BYTES + 1)})
    assert _error(response, 413)["code"] == "too_large"
