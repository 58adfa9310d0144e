"""`yibao lsp`: a language server (LSP over standard input and output, on pygls) for policy files.

As you type: the diagnostics of `yibao check` for the buffer, checked with the notices it implements
and its libraries (the buffer's unsaved text replaces its file's). The fast passes (syntax, names,
types, printed figures, citations) are published first; the static analyses, which take seconds,
follow for the same version, unless the buffer has changed meanwhile. Hover, go to definition and
completion answer from the last version of the buffer that parsed (editor.py does the looking up).
"""
from __future__ import annotations

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .. import __version__
from ..base import codes
from ..base.exits import BAD_INPUT, Fail, OK
from . import editor

DEBOUNCE = 0.25  # seconds of quiet typing before a check


def add_parser(sub):
    p = sub.add_parser("lsp", help="run the language server (for editors; LSP on standard input/output)",
                       description="A language server for policy files: diagnostics as you type, hover with the "
                       "notice's words,\ngo to definition and completion. Needs the `lsp` extra: "
                       "pip install 'yibao[lsp]'.")
    p.set_defaults(run=cmd_lsp)


def cmd_lsp(args) -> int:
    try:
        server = build_server(args.policies)
    except ImportError:
        raise Fail(BAD_INPUT, "the language server needs pygls: pip install 'yibao[lsp]'") from None
    from .lspwire import Wire, quiet_logs
    quiet_logs()
    quiet_cancel_in_destructors()
    wire = Wire(sys.stdin.buffer, sys.stdout.buffer, server.protocol)
    server.start_io(stdin=wire, stdout=wire)
    return OK


def build_server(directory: Path | None):
    from lsprotocol import types as T
    from pygls.lsp.server import LanguageServer
    from pygls.uris import to_fs_path

    server = LanguageServer("yibao", __version__, text_document_sync_kind=T.TextDocumentSyncKind.Full)
    # one check at a time: the checker's caches are not shared between threads, and the machine's
    # cores are the editor's too
    worker = ThreadPoolExecutor(max_workers=1)
    running = Cancellable()  # the check on the worker, stopped when a newer edit supersedes it
    snapshots: dict[str, editor.Snapshot] = {}  # uri → the last check of a version that parsed
    versions: dict[str, int] = {}  # uri → the number of the latest change seen

    def path_of(uri: str) -> str:
        """A file's path; any other URI (`untitled:Untitled-1`, a diff view's) as a name of its own, a
        buffer with no file, never None (which broke every later check)."""
        try:
            return to_fs_path(uri) or uri
        except Exception:  # noqa: BLE001 — a URI pygls cannot take apart is still a name
            return uri

    def buffers() -> dict[str, str]:
        return {path_of(uri): server.workspace.get_text_document(uri).source
                for uri in list(server.workspace.text_documents)}

    def publish(uri: str, diags, version):
        server.text_document_publish_diagnostics(T.PublishDiagnosticsParams(
            uri=uri, version=version, diagnostics=[_lsp_diagnostic(T, d) for d in diags]))

    async def validate(uri: str, wait: float):
        versions[uri] = mine = versions.get(uri, 0) + 1
        await asyncio.sleep(wait)
        if versions.get(uri) != mine:
            return  # typed on: a later change will check
        loop = asyncio.get_running_loop()
        path = path_of(uri)
        version = server.workspace.get_text_document(uri).version
        running.cancel(uri)  # an older check of this buffer answers a text no longer there
        for analyses in (False, True):
            snap = await loop.run_in_executor(worker, running.run, uri, _check, path, buffers(), directory, analyses)
            if versions.get(uri) != mine or snap is None:
                return
            if snap.ns is not None:
                snapshots[uri] = snap
            publish(uri, snap.diagnostics, version)
            if any(d.severity == "error" for d in snap.diagnostics):
                break  # the analyses need a program that checks

    @server.feature("$/yibao/refused")  # lspwire.REFUSED: a message the wire answered itself
    def refused(ls, params):
        return None

    @server.feature(T.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls, params: T.DidOpenTextDocumentParams):
        await validate(params.text_document.uri, 0)

    @server.feature(T.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls, params: T.DidChangeTextDocumentParams):
        await validate(params.text_document.uri, DEBOUNCE)

    @server.feature(T.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls, params: T.DidSaveTextDocumentParams):
        for uri in list(server.workspace.text_documents):  # a parent saved can break its children
            await validate(uri, 0)

    @server.feature(T.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls, params: T.DidCloseTextDocumentParams):
        snapshots.pop(params.text_document.uri, None)
        versions.pop(params.text_document.uri, None)

    def where(params):
        uri = params.text_document.uri
        doc = server.workspace.get_text_document(uri)
        line = params.position.line + 1
        text = doc.source
        column = _column(text, line, params.position.character)
        return snapshots.get(uri), text, line, column

    @server.feature(T.TEXT_DOCUMENT_HOVER)
    def hover(ls, params: T.HoverParams):
        snap, text, line, column = where(params)
        found = editor.hover(snap, text, line, column) if snap else None
        return T.Hover(contents=T.MarkupContent(kind=T.MarkupKind.Markdown, value=found)) if found else None

    @server.feature(T.TEXT_DOCUMENT_DEFINITION)
    def definition(ls, params: T.DefinitionParams):
        snap, text, line, column = where(params)
        span = editor.definition(snap, text, line, column) if snap else None
        if span is None:
            return None
        return T.Location(uri=Path(span.file.path).resolve().as_uri(), range=_range(T, span))

    @server.feature(T.TEXT_DOCUMENT_COMPLETION, T.CompletionOptions(trigger_characters=["."]))
    def completion(ls, params: T.CompletionParams):
        snap, text, line, column = where(params)
        items = editor.completions(snap, text, line, column) if snap else []
        return T.CompletionList(is_incomplete=False, items=[
            T.CompletionItem(label=label, kind=getattr(T.CompletionItemKind, _KINDS.get(kind, "Variable")),
                             detail=f"{kind} {detail}".strip())
            for label, kind, detail in items])

    return server


_KINDS = {"member": "EnumMember", "enum": "Enum", "fact": "Field", "decision": "Function", "let": "Constant",
          "table": "Struct", "param": "Constant", "data": "Struct", "builtin": "Keyword"}


def _check(path, buffers, directory, analyses):
    try:
        return editor.check(path, buffers, directory, analyses)
    except Cancelled:
        raise
    except Exception as exc:  # a bug must not end the editor's session: one line on standard error
        print(f"yibao lsp: internal error: {type(exc).__name__}: {' '.join(str(exc).split())[:300]} "
              "(please report)", file=sys.stderr, flush=True)
        return None


class Cancelled(Exception):
    """Raised in the worker thread to stop a check that a newer edit superseded."""


class Cancellable:
    """Runs one check at a time on the worker thread and stops it on request: the checker is pure
    Python, so an exception raised asynchronously in that thread ends it at its next step (a check of
    a large buffer took ~25 s, and an edit meanwhile waited for it). Python ignores such an exception
    where it lands in a destructor (z3's), so it is raised again until the check has ended."""

    AGAIN = 0.2  # seconds between raising it again

    def __init__(self):
        import threading
        self.lock = threading.Lock()
        self.current = None  # (key, thread id, token) of the check running

    def run(self, key, fn, *args):
        """fn(*args), or None if cancelled."""
        import threading
        ident = threading.get_ident()
        with self.lock:
            self.current = (key, ident, object())
        try:
            try:
                return fn(*args)
            finally:
                self._done(ident)
        except Cancelled:  # (in fn, or landing in _done: then it is done again, well before the next)
            self._done(ident)
            return None

    def _done(self, ident):
        import ctypes
        with self.lock:
            self.current = None
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), None)  # a stop come too late

    def cancel(self, key) -> bool:
        """Stop the check of `key` if it is the one running: whether one was."""
        import threading
        with self.lock:
            if self.current is None or self.current[0] != key:
                return False
            run = self.current
        threading.Thread(target=self._stop, args=(run,), daemon=True).start()
        return True

    def _stop(self, run):
        import ctypes
        import time
        while True:
            with self.lock:
                if self.current is not run:
                    return
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(run[1]), ctypes.py_object(Cancelled))
            time.sleep(self.AGAIN)


def quiet_cancel_in_destructors():
    """A Cancelled that lands in a destructor is ignored by Python and reported as 'Exception ignored':
    not here (Cancellable raises it again). Nor z3's destructor of an object a Cancelled cut short
    in its making ('no attribute ctx'): the object is garbage either way."""
    default = sys.unraisablehook

    def hook(unraisable):
        made_by = getattr(unraisable.object, "__module__", None) or ""
        if not isinstance(unraisable.exc_value, Cancelled) and not made_by.startswith("z3"):
            default(unraisable)
    sys.unraisablehook = hook


def _column(text: str, line: int, character: int) -> int:
    """An LSP position's character (UTF-16 code units) → a 1-based column in code points."""
    lines = text.splitlines()
    s = lines[line - 1] if 0 < line <= len(lines) else ""
    units = 0
    for i, ch in enumerate(s):
        if units >= character:
            return i + 1
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(s) + 1


def _units(text: str, column: int) -> int:
    """A 1-based column in code points → LSP characters (UTF-16 code units)."""
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text[:column - 1]) + max(0, column - 1 - len(text))


def _range(T, span):
    first, last = span.file.line(span.line), span.file.line(span.end_line)
    end = span.end_column if (span.end_line, span.end_column) > (span.line, span.column) else span.column + 1
    return T.Range(start=T.Position(line=span.line - 1, character=_units(first, span.column)),
                   end=T.Position(line=span.end_line - 1, character=_units(last, end)))


def _lsp_diagnostic(T, d):
    span = d.span
    rng = _range(T, span) if span else T.Range(start=T.Position(line=0, character=0),
                                              end=T.Position(line=0, character=1))
    message = d.message + (f": {d.label}" if d.label else "") + "".join(f"\nnote: {n}" for n in d.notes) \
        + (f"\nhelp: {d.hint}" if d.hint else "")
    return T.Diagnostic(range=rng, message=message, code=d.code, source="yibao",
                        severity={"warning": T.DiagnosticSeverity.Warning, "info": T.DiagnosticSeverity.Information}
                        .get(d.severity, T.DiagnosticSeverity.Error),
                        code_description=T.CodeDescription(href=codes.help_uri(d.code)) if d.code in codes.CODES else None)
