"""The Web API's edges (issue 22): GET /notices/{document}/parameters (every named value with its
clause, quote and the notice that states it), `yibao serve --cors` (a browser's preflight answered)
and the index page (Chinese, in the calculator page's style)."""
from __future__ import annotations

from contextlib import contextmanager
from importlib import resources
from urllib.parse import quote

import httpx
import jsonschema
import pytest

from conftest import POLICIES
from test_server import _start
from yibao.cli import main
from yibao.run import named
from yibao.server.app import create_app
from yibao.server.registry import Catalog

D24 = "渝医保发〔2023〕24号"
D42 = "渝医保发〔2025〕42号"
D46 = "九龙坡医保发〔2023〕46号"
SITE = "https://example.org"


@pytest.fixture(scope="module")
def catalog():
    return Catalog(POLICIES)


@contextmanager
def _served(app):
    """A real uvicorn server on a free port (as test_server.py serves), and a client of it."""
    server, thread, url = _start(app)
    try:
        with httpx.Client(base_url=url, timeout=60) as c:
            yield c
    finally:
        server.should_exit = True
        thread.join(30)


@pytest.fixture(scope="module")
def client(catalog):
    with _served(create_app(catalog)) as c:
        yield c


def _entry(body: dict, name: str, row: list | None = None) -> dict:
    found = [e for e in body["parameters"] if e["name"] == name and e.get("row") == row]
    assert len(found) == 1, (name, row, found)
    return found[0]


# ---- /parameters -----------------------------------------------------------------------------------
def test_parameters_give_value_clause_quote_and_notice(client):
    response = client.get(f"/notices/{quote(D46)}/parameters")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["document"] == D46
    # a row of the district's own table
    assert _entry(body, "资助标准", ["低保对象", "一档"]) == {
        "name": "资助标准", "kind": "table row", "row": ["低保对象", "一档"], "value": "342.00", "clause": "附件",
        "quote": "城乡低保对象 1 档 90%（342 元）", "notice": D46}
    # a standard inherited from the municipal notice keeps its notice
    assert _entry(body, "居民一档标准")["value"] == "380.00" and _entry(body, "居民一档标准")["notice"] == D24
    # a district date, and the header
    assert _entry(body, "全年参保截止") | {"quote": None} == {
        "name": "全年参保截止", "kind": "let", "value": "2024-09-30", "clause": "四", "quote": None, "notice": D46}
    assert _entry(body, "notice.coverage")["value"] == "2024"
    # a year's value cited to another notice keeps that notice (`§一 of 渝医保发〔2025〕42号`)
    assert _entry(body, "人均财政补助标准[2024]")["value"] == "670.00"
    assert _entry(body, "人均财政补助标准[2024]")["notice"] == D42
    # a value the notice leaves open is listed as open, with why
    open_row = _entry(body, "资助标准", ["在乡老复员军人", "一档"])
    assert open_row["value"] is None and "does not state" in open_row["unknown"]


@pytest.mark.parametrize("document", [D24, D42, D46, "峰岩府发〔2023〕60号", "潼医保发〔2022〕36号"])
def test_every_named_parameter_is_the_value_a_conformance_case_reads(client, catalog, document):
    """The names are those of a case's `values` (run/named.py), and give the same values."""
    body = client.get(f"/notices/{quote(document)}/parameters").json()
    program = catalog.get(document).program
    named_entries = [e for e in body["parameters"] if e["kind"] != "table row" and e["value"] is not None]
    assert len(named_entries) >= 20
    for e in named_entries:
        assert named.same(named.value(program, e["name"]), e["value"]), e
    assert all(e["notice"] for e in body["parameters"])


def test_a_data_table_lists_its_cells(client):
    body = client.get(f"/notices/{quote('峰岩府发〔2023〕60号')}/parameters").json()
    cells = [e for e in body["parameters"] if e["kind"] == "data"]
    assert _entry(body, "参保任务分解[三教村].任务数")["value"] == "1363"
    assert all(e["clause"] == "附件" for e in cells) and len(cells) >= 10


def test_parameters_404_for_an_unknown_notice(client):
    response = client.get(f"/notices/{quote('渝医保发〔2099〕1号')}/parameters")
    assert response.status_code == 404 and response.json()["error"]["code"] == "unknown_notice"


def test_parameters_are_in_the_openapi_document_and_fit_it(client):
    spec = client.get("/openapi.json").json()
    for path in (f"/notices/{D46}/parameters", "/notices/{document}/parameters"):
        assert spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == \
            {"$ref": "#/components/schemas/Parameters"}
    assert "404" in spec["paths"]["/notices/{document}/parameters"]["get"]["responses"]
    schema = {**spec["components"]["schemas"]["Parameters"], "components": spec["components"]}
    jsonschema.validate(client.get(f"/notices/{quote(D46)}/parameters").json(), schema)


# ---- --cors ----------------------------------------------------------------------------------------
def _preflight(c: httpx.Client, origin: str):
    return c.options(f"/notices/{quote(D24)}/eval", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})


def test_without_cors_a_preflight_is_refused(client):
    assert _preflight(client, SITE).status_code == 405


def test_cors_answers_the_preflight_and_marks_the_answers(catalog):
    with _served(create_app(catalog, cors=[SITE])) as c:
        response = _preflight(c, SITE)
        assert response.status_code == 200, response.text
        assert response.headers["access-control-allow-origin"] == SITE
        assert "POST" in response.headers["access-control-allow-methods"]
        answer = c.post(f"/notices/{quote(D24)}/eval", headers={"Origin": SITE},
                        json={"group": "student", "tier": 2, "payment_date": "2023-11-01"})
        assert answer.status_code == 200 and answer.headers["access-control-allow-origin"] == SITE
        refused = _preflight(c, "https://elsewhere.example")
        assert refused.status_code == 400
        assert refused.json()["error"]["code"] == "bad_input" and refused.json()["error"]["field"] == "Origin"
        assert "access-control-allow-origin" not in c.get("/notices", headers={"Origin": "https://elsewhere.example"}).headers


def test_cors_star_allows_any_origin(catalog):
    with _served(create_app(catalog, cors=["*"])) as c:
        response = _preflight(c, "https://anywhere.example")
        assert response.status_code == 200 and response.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize("origin", ["example.org", "https://example.org/path", "https://"])
def test_serve_refuses_an_origin_that_is_not_one(capsys, origin):
    assert main(["--policies", str(POLICIES), "serve", "--cors", origin]) == 2
    assert f"--cors {origin}: an origin is scheme://host[:port]" in capsys.readouterr().err


def test_serve_help_names_cors(capsys):
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = capsys.readouterr().out
    assert "--cors ORIGIN" in out and "/parameters" in out


# ---- the index page ---------------------------------------------------------------------------------
def test_the_index_page_is_chinese_and_styled_like_the_calculator(client, catalog):
    response = client.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    text = response.text
    css = resources.files("yibao.backends.web").joinpath("page.css").read_text(encoding="utf-8").strip()
    assert '<html lang="zh-CN">' in text and css in text
    assert "<th>文号</th>" in text and "<th>参保年度</th>" in text and "政策计算器" in text
    for english in ("A calculator for each notice", "jurisdiction", "coverage year"):
        assert english not in text
    for doc in catalog.notices:
        assert f'href="/calculator/{quote(doc)}"' in text and f'href="/notices/{quote(doc)}/parameters"' in text
