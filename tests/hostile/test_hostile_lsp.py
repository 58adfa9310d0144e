"""Issue 24, item 9: the language server under a hostile or careless client: any URI, any header, any
size, any bytes; bounded memory; a check superseded by a newer edit is stopped. Driven as an editor
drives it (tests/workbench/test_lsp.py's client), and the parts without the protocol directly."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("pygls")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workbench"))
from test_lsp import WAIT, Client, diagnostics, open_file, policies  # noqa: E402,F401 (a fixture)

from yibao.workbench import editor  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def client(policies):  # noqa: F811
    c = Client(policies)
    c.request("initialize", {"processId": os.getpid(), "rootUri": policies.parent.as_uri(), "capabilities": {}})
    c.notify("initialized", {})
    yield c
    c.close()  # shutdown, exit, and no "Traceback" in its standard error


def _frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_an_untitled_buffer_does_not_break_the_checks_of_files(client, policies):
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": "untitled:Untitled-1", "languageId": "yibao", "version": 1, "text": "notice x {"}})
    untitled = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                           and m["params"]["uri"] == "untitled:Untitled-1")["params"]["diagnostics"]
    assert untitled and untitled[0]["code"] == "E103"  # checked as a buffer with no file
    path = policies / "chongqing-2024.policy"
    open_file(client, path, path.read_text(encoding="utf-8").replace(
        "let 居民一档标准 = 380 元", "let 居民一档标准 = 380 元 printed 390", 1))
    assert any(d["code"] == "E401" for d in diagnostics(client, path))  # (was nothing: a TypeError each check)


def test_a_buffer_over_1_mb_is_e109_as_a_file_is(client, policies):
    path = policies / "chongqing-2024.policy"
    open_file(client, path, "# " + "注" * 400_000 + "\n")  # 1.2 MB in UTF-8
    found = diagnostics(client, path)
    assert [d["code"] for d in found] == ["E109"] and "1000000 bytes" in found[0]["message"]


def test_malformed_json_rpc_is_answered_per_the_protocol_and_the_session_goes_on(client, policies):
    client.proc.stdin.write(_frame(b"{not json") + _frame(b"[1, 2]") + _frame(json.dumps(
        {"jsonrpc": "2.0", "id": 99, "method": "textDocument/hover", "params": "not params"}).encode()))
    client.proc.stdin.flush()
    errors = [client.wait(lambda m: "error" in m) for _ in range(3)]
    assert [(e["id"], e["error"]["code"]) for e in errors] == [(None, -32700), (None, -32600), (99, -32602)]
    path = policies / "chongqing-2024.policy"  # still serving
    open_file(client, path)
    assert diagnostics(client, path) == []
    # (close() asserts that no traceback reached standard error)


def test_a_message_over_the_limit_is_refused_without_reading_it_into_memory(client, policies):
    from yibao.workbench.lspwire import MAX_MESSAGE
    client.proc.stdin.write(_frame(b" " * (MAX_MESSAGE + 1)))
    client.proc.stdin.flush()
    refused = client.wait(lambda m: "error" in m)
    assert refused["id"] is None and str(MAX_MESSAGE) in refused["error"]["message"]
    path = policies / "chongqing-2024.policy"
    open_file(client, path)
    assert diagnostics(client, path) == []


def test_a_content_length_of_a_terabyte_ends_the_session_quietly_not_in_memory_error(tmp_path):
    init = _frame(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                              "params": {"capabilities": {}}}).encode())
    done = subprocess.run([sys.executable, "-m", "yibao.cli", "lsp"], timeout=WAIT, cwd=ROOT, capture_output=True,
                          input=init + b"Content-Length: 1000000000000\r\n\r\n" + b"x" * 1000)
    assert done.returncode == 0 and b"Traceback" not in done.stderr and b"MemoryError" not in done.stderr
    assert b"refused a message of 1000000000000 bytes" in done.stderr
    assert b'"id": 1' in done.stdout  # initialize was answered before


def test_only_the_latest_version_of_a_buffer_is_kept(policies):  # noqa: F811
    path = str(policies / "chongqing-2024.policy")
    text = Path(path).read_text(encoding="utf-8")
    for n in range(5):
        editor.check(path, {path: text + f"\n# edit {n}\n"}, None, analyses=False)
    kept = [k for k in editor._PARSED if Path(k).resolve() == Path(path).resolve()]
    assert len(kept) == 1 and editor._PARSED[kept[0]][0].endswith("# edit 4\n")


def test_a_running_check_is_stopped_when_a_newer_edit_supersedes_it():
    from yibao.workbench.lsp import Cancellable
    running, started = Cancellable(), threading.Event()

    def endless():
        started.set()
        while True:
            pass
    with ThreadPoolExecutor(max_workers=1) as worker:
        check = worker.submit(running.run, "file:///a.policy", endless)
        assert started.wait(WAIT)
        assert not running.cancel("file:///b.policy")  # another buffer's edit leaves it be
        assert running.cancel("file:///a.policy")
        assert check.result(timeout=WAIT) is None
        assert worker.submit(running.run, "file:///a.policy", lambda: 42).result(timeout=WAIT) == 42  # the worker lives


def test_hover_on_a_rule_label_shows_its_clause_and_quote(policies):  # noqa: F811
    path = str(policies / "chongqing-2024.policy")
    text = Path(path).read_text(encoding="utf-8")
    snap = editor.check(path, {path: text}, None, analyses=False)
    lines = text.splitlines()
    n = next(i for i, line in enumerate(lines, 1) if line.strip().startswith("rule 集中 "))
    shown = editor.hover(snap, text, n, lines[n - 1].index("集中") + 2)
    assert shown and "**rule** `集中`" in shown and "§一" in shown
    assert "集中参保缴费期为文件下发之日起至 2023年 12月 31日" in shown and "texts/渝医保发〔2023〕24号.txt:" in shown
