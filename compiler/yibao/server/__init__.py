"""`yibao serve`: the Web API of interface.md and a calculator page per notice (optional extra `serve`).

registry.py loads the notices once; app.py answers HTTP; openapi.py describes it; command.py is the
`serve` subcommand. Starlette and uvicorn are imported only here, never by the compiler.
"""
