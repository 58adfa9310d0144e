"""`yibao serve [--host H] [--port P] [--cors ORIGIN]`: the Web API and the calculator pages, with uvicorn."""
from __future__ import annotations

import argparse

from ..base.exits import BAD_INPUT, OK, Fail


def add_parser(sub) -> None:
    s = sub.add_parser("serve", help="serve the Web API and a calculator page per notice",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Serve the notices over HTTP: GET /notices, GET /notices/{document}/schema,\n"
                       "POST /notices/{document}/eval, GET /notices/{document}/parameters, GET /calculator/{document},\n"
                       "GET / and /openapi.json.\n"
                       "Needs the `serve` extra: pip install 'yibao[serve]'.",
                       epilog="example:\n  yibao serve --port 8000 &\n"
                       "  curl -s -d '{\"tier\": 2, \"payment_date\": \"2023-11-01\"}' "
                       "http://127.0.0.1:8000/notices/渝医保发〔2023〕24号/eval\n"
                       "  yibao serve --cors https://example.org     # that site's pages may call the API\n"
                       "  curl -s http://127.0.0.1:8000/notices/渝医保发〔2023〕24号/parameters")
    s.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)")
    s.add_argument("--port", type=int, default=8000, help="the port (default: 8000; 0 picks a free one)")
    s.add_argument("--cors", metavar="ORIGIN", action="append", default=[],
                   help="let pages of this origin call the API from a browser (repeatable; `*` for any)")
    s.set_defaults(run=run)


def run(args) -> int:
    try:
        import uvicorn
        from .app import create_app
    except ImportError as exc:
        raise Fail(BAD_INPUT, f"yibao serve needs the `serve` extra (pip install 'yibao[serve]'): {exc}") from None
    if not 0 <= args.port <= 65535:
        raise Fail(BAD_INPUT, f"--port {args.port} is not a port (0–65535)")
    for origin in args.cors:  # what a browser sends as Origin: scheme://host[:port], nothing after it
        host = origin.split("://", 1)[1] if origin.startswith(("http://", "https://")) else ""
        if origin != "*" and not (host and "/" not in host):
            raise Fail(BAD_INPUT, f"--cors {origin}: an origin is scheme://host[:port] (no path), or `*`")
    app = create_app(policies=args.policies, cors=args.cors)  # every notice checked and compiled before the first request
    server = uvicorn.Server(uvicorn.Config(app, host=args.host, port=args.port, log_level="info", server_header=False))
    try:
        server.run()
    except SystemExit:  # uvicorn's start-up failure: exit 3 there, which here would read as undecidable
        pass
    if not server.started:  # uvicorn has said why (the address in use, a host that does not resolve)
        raise Fail(BAD_INPUT, f"cannot listen on {args.host}:{args.port}")
    return OK
