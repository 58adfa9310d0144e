"""The OpenAPI 3.1 document of the Web API, generated from each notice's case schema.

One path per notice (its document number as printed), so each operation carries that notice's own
case schema and decision names and a fuzzer draws cases that fit it; the schemas are components.
"""
from __future__ import annotations

from ..ir import nodes as ir
from ..ir.kinds import output_kind
from ..run.cases import case_schema
from .registry import Catalog, Notice

MONEY_OUT = {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$"}
ERROR = {
    "type": "object", "required": ["error"], "additionalProperties": False,
    "properties": {"error": {
        "type": "object", "required": ["code", "message", "field"],
        "properties": {
            "code": {"type": "string", "description": "bad_input, unknown_notice, undecidable, too_large, "
                     "not_found, method_not_allowed, timeout, internal_error"},
            "message": {"type": "string", "description": "one line; never a stack trace"},
            "field": {"type": ["string", "null"], "description": "the case field (cases[i].field in a batch), "
                      "query parameter or missing fact at fault"},
            "index": {"type": "integer", "minimum": 0, "description": "the index in `cases` of the case at fault"},
        }}},
}
NOTICE = {
    "type": "object", "required": ["document", "title", "jurisdiction", "coverage_year", "implements", "decisions"],
    "properties": {"document": {"type": "string"}, "title": {"type": ["string", "null"]},
                   "jurisdiction": {"type": ["string", "null"]}, "coverage_year": {"type": "integer"},
                   "implements": {"type": ["string", "null"]},
                   "decisions": {"type": "array", "items": {"type": "string"}}},
}
PARAMETERS = {
    "type": "object", "required": ["document", "parameters"], "additionalProperties": False,
    "properties": {"document": {"type": "string"}, "parameters": {"type": "array", "items": {
        "type": "object", "required": ["name", "kind", "value", "clause", "quote", "notice"],
        "properties": {
            "name": {"type": "string", "description": "as a conformance case's `values` name it: 名字, 名字[年], "
                     "名字[行].列, notice.issued"},
            "kind": {"enum": ["header", "parameter", "let", "table row", "data"]},
            "row": {"type": "array", "items": {"type": "string"},
                    "description": "a table row's key cells (members joined by |, * for any)"},
            "value": {"description": "as a case prints it (money \"342.00\", a rate \"90%\", a date ISO, a set "
                      "its sorted codes); null where the notice leaves it open",
                      "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}, {"type": "null"}]},
            "unknown": {"type": "string", "description": "why the value is open, where it is"},
            "clause": {"type": ["string", "null"]}, "quote": {"type": ["string", "null"]},
            "notice": {"type": "string", "description": "the notice that states it (a citation of another "
                       "notice keeps that notice)"}}}}},
}
_HTML = {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    words = {400: "bad input: the body names the field, and the index in `cases`", 404: "no such notice",
             408: "the request body was not received in time", 413: "the body is larger than the server takes",
             422: "a requested decision cannot be made: the message names the missing fact or the reason",
             500: "an internal error (logged); never a stack trace"}
    return {str(c): _json(_ref("Error"), words[c]) for c in codes}


def _result_schema(program: ir.Program) -> dict:
    props = {}
    for name in program.decisions:
        t = program.definitions[name].type
        kind = output_kind(t)
        if kind == "money":
            s = dict(MONEY_OUT)
        elif kind == "date":
            s = {"type": "string", "format": "date"}
        elif kind == "enum":
            s = {"enum": program.enums[t[1]].codes()}
        elif kind == "set":
            s = {"type": "array", "items": {"enum": program.enums[t[1]].codes()}}
        elif kind == "bool":
            s = {"type": "boolean"}
        elif kind == "int":
            s = {"type": "integer"}
        else:
            s = {"type": "string"}
        props[name] = s
    props.setdefault("id", {"description": "the case's `id`, passed through unchanged (interface.md)",
                            "anyOf": [{"type": "string"}, {"type": "integer"}]})
    props["explanation"] = {"description": "with explain=true: per decision, the rules that fired, "
                            "with clause and quote (as `yibao eval --explain`)"}
    return {"type": "object", "properties": props, "additionalProperties": False,
            "description": f"every decision of {program.document} the case has the facts for"}


def _operations(n: Notice, max_cases: int) -> tuple[dict, dict]:
    doc, s = n.program.document, n.slug
    case = case_schema(n.program)
    case.pop("$schema", None)
    decisions = list(n.program.decisions)
    schema_op = {"get": {
        "operationId": f"schema_{s}", "summary": f"the JSON Schema of a case for {doc}",
        "responses": {"200": _json({"type": "object"}, "a JSON Schema (draft 2020-12)"), **_errors(500)}}}
    eval_op = {"post": {
        "operationId": f"eval_{s}", "summary": f"evaluate one case, or a batch, under {doc}",
        "parameters": [
            {"name": "decision", "in": "query", "required": False, "explode": True, "style": "form",
             "description": "only these decisions (repeatable); one that cannot be decided is a 422",
             "schema": {"type": "array", "items": {"enum": decisions}}},
            {"name": "explain", "in": "query", "required": False,
             "description": "add, per decision, the rules that fired with their clause and quote",
             "schema": {"type": "boolean"}}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"oneOf": [
            _ref(f"Case.{s}"),
            {"type": "object", "required": ["cases"], "additionalProperties": False,
             "properties": {"cases": {"type": "array", "items": _ref(f"Case.{s}"), "maxItems": max_cases}}},
        ]}}}},
        "responses": {
            "200": _json({"oneOf": [
                _ref(f"Result.{s}"),
                {"type": "object", "required": ["results"], "additionalProperties": False,
                 "properties": {"results": {"type": "array",
                                            "items": {"oneOf": [_ref(f"Result.{s}"), _ref("Error")]}}}}]},
                "one result, or `{\"results\": [...]}` in the order of `cases`, a case that is bad or "
                "undecidable holding its own error in its place"),
            **_errors(400, 408, 413, 422, 500)}}}
    parameters_op = {"get": {
        "operationId": f"parameters_{s}", "summary": f"every named value of {doc}, with its clause, quote and notice",
        "responses": {"200": _json(_ref("Parameters"), "the named values"), **_errors(500)}}}
    ops = {f"/notices/{doc}/schema": schema_op, f"/notices/{doc}/eval": eval_op,
           f"/notices/{doc}/parameters": parameters_op,
           f"/calculator/{doc}": {"get": {
               "operationId": f"calculator_{s}", "summary": f"the calculator page of {doc}",
               "responses": {"200": _HTML, **_errors(500)}}}}
    return ops, case


def _any_notice(max_cases: int) -> dict:
    """The same routes for any document number: what a number with no policy here gets (404). The
    notices' own paths above are literal, so they match first."""
    param = [{"name": "document", "in": "path", "required": True, "schema": {"type": "string"},
              "description": "a document number as printed, e.g. 渝医保发〔2023〕24号 (URL-encoded)"}]
    html = {"200": _HTML, **_errors(404, 500)}
    ops = {
        "/notices/{document}/schema": {"get": {
            "operationId": "schema", "summary": "the JSON Schema of a case", "parameters": param,
            "responses": {"200": _json({"type": "object"}, "a JSON Schema"), **_errors(404, 500)}}},
        "/notices/{document}/eval": {"post": {
            "operationId": "eval", "summary": "evaluate under a notice given by its document number",
            "parameters": param, "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"type": "object"}}}},
            "responses": {"200": _json({"type": "object"}, "one result, or `{\"results\": [...]}`"),
                          **_errors(400, 404, 408, 413, 422, 500)}}},
        "/notices/{document}/parameters": {"get": {
            "operationId": "parameters", "summary": "every named value of a notice, with its clause, quote and notice",
            "parameters": param, "responses": {"200": _json(_ref("Parameters"), "the named values"),
                                               **_errors(404, 500)}}},
        "/calculator/{document}": {"get": {"operationId": "calculator", "summary": "a calculator page",
                                           "parameters": param, "responses": html}},
    }
    return ops


def document(catalog: Catalog, max_cases: int, version: str) -> dict:
    """The OpenAPI document: every notice's operations, and the same routes for any document number."""
    paths = {
        "/notices": {"get": {"operationId": "notices", "summary": "the notices this server answers for",
                             "responses": {"200": _json({"type": "object", "required": ["notices"], "properties": {
                                 "notices": {"type": "array", "items": _ref("Notice")}}}, "the notices"),
                                 **_errors(500)}}},
        "/": {"get": {"operationId": "index", "summary": "the notices, each with a link to its calculator page",
                      "responses": {"200": _HTML}}},
    }
    paths.update(_any_notice(max_cases))
    schemas = {"Error": ERROR, "Notice": NOTICE, "Parameters": PARAMETERS}
    for n in catalog.notices.values():
        ops, case = _operations(n, max_cases)
        paths.update(ops)
        schemas[f"Case.{n.slug}"] = case
        schemas[f"Result.{n.slug}"] = _result_schema(n.program)
    return {"openapi": "3.1.0",
            "info": {"title": "yibao", "version": version,
                     "description": "Chongqing resident medical-insurance notices as executable policy "
                     "(interface.md, “The Web API”). Document numbers in paths are URL-encoded as printed."},
            "paths": paths, "components": {"schemas": schemas}}
