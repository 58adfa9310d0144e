"""`yibao lsp` driven as an editor drives it: a real subprocess, JSON-RPC frames over its standard
input and output (the Language Server Protocol), on a copy of the policies."""
from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytest.importorskip("pygls")

ROOT = Path(__file__).resolve().parents[2]
WAIT = 120  # seconds before a silent server counts as hung (a guard against hanging, not a timing test)


class Client:
    def __init__(self, policies: Path):
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.log = policies.parent / "lsp.stderr"  # a file, not a pipe no one reads until it fills
        with open(self.log, "wb") as err:
            self.proc = subprocess.Popen([sys.executable, "-m", "yibao.cli", "--policies", str(policies), "lsp"],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                                         env=env, cwd=policies.parent)
        self.inbox: queue.Queue = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    self.inbox.put(None)
                    return
                if line in (b"\r\n", b"\n"):
                    break
                k, v = line.decode("ascii").split(":", 1)
                headers[k.strip().lower()] = v.strip()
            self.inbox.put(json.loads(out.read(int(headers["content-length"])).decode("utf-8")))

    def send(self, message: dict):
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: dict):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        reply = self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)
        assert "error" not in reply, reply
        return reply["result"]

    def wait(self, wanted):
        while True:
            try:
                m = self.inbox.get(timeout=WAIT)
            except queue.Empty:
                pytest.fail("the language server said nothing for too long")
            if m is None:
                pytest.fail("the language server ended: " + self.log.read_text(encoding="utf-8", errors="replace"))
            if wanted(m):
                return m

    def close(self):
        try:
            self.request("shutdown", {})
            self.notify("exit", {})
            self.proc.wait(timeout=WAIT)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
        assert "Traceback" not in self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def policies(tmp_path):
    d = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", d)
    return d


@pytest.fixture
def client(policies):
    c = Client(policies)
    c.request("initialize", {"processId": os.getpid(), "rootUri": policies.parent.as_uri(), "capabilities": {}})
    c.notify("initialized", {})
    yield c
    c.close()


def open_file(client: Client, path: Path, text: str | None = None):
    text = path.read_text(encoding="utf-8") if text is None else text
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": path.as_uri(), "languageId": "yibao", "version": 1, "text": text}})
    return text


def diagnostics(client: Client, path: Path, version: int = 1):
    """The next diagnostics published for this version of the buffer."""
    return client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                       and m["params"]["uri"] == path.as_uri()
                       and m["params"].get("version") == version)["params"]["diagnostics"]


def position(text: str, line_starts: str, word: str) -> dict:
    """The LSP position of `word` in the first line starting with `line_starts` (0-based; Chinese
    characters are one UTF-16 unit each)."""
    lines = text.splitlines()
    n = next(i for i, line in enumerate(lines) if line.lstrip().startswith(line_starts))
    return {"line": n, "character": lines[n].index(word) + 1}


def test_a_planted_wrong_figure_is_reported_at_its_position_as_you_type(client, policies):
    path = policies / "chongqing-2024.policy"
    text = open_file(client, path)
    assert not [d for d in diagnostics(client, path) if d["severity"] == 1]
    changed = text.replace("let 居民一档标准 = 380 元", "let 居民一档标准 = 380 元 printed 390", 1)
    client.notify("textDocument/didChange", {"textDocument": {"uri": path.as_uri(), "version": 2},
                                             "contentChanges": [{"text": changed}]})  # unsaved
    found = diagnostics(client, path, 2)
    e401 = [d for d in found if d["code"] == "E401"]
    assert e401, found
    where = position(changed, "let 居民一档标准", "printed 390")
    assert e401[0]["range"]["start"]["line"] == where["line"]
    assert e401[0]["codeDescription"]["href"].endswith("errors/#e401")
    assert path.read_text(encoding="utf-8") == text  # checked from the buffer, not the file


def test_a_syntax_slip_shows_while_typing(client, policies):
    path = policies / "chongqing-2024.policy"
    text = open_file(client, path)
    diagnostics(client, path)
    changed = text.replace("let 居民二档标准 = 755 元", "let 居民二档标准 = 755 圆", 1)
    client.notify("textDocument/didChange", {"textDocument": {"uri": path.as_uri(), "version": 2},
                                             "contentChanges": [{"text": changed}]})
    found = diagnostics(client, path, 2)
    assert [d["code"] for d in found] == ["E103"] and "not a unit" in found[0]["message"]
    assert found[0]["range"]["start"] == {"line": position(changed, "let 居民二档标准", "圆")["line"],
                                          "character": changed.splitlines()[
                                              position(changed, "let 居民二档标准", "圆")["line"]].index("圆")}


def test_hover_shows_the_definition_with_its_clause_and_the_notice_text(client, policies):
    path = policies / "fengyan-2024.policy"
    text = open_file(client, path)
    diagnostics(client, path)
    hover = client.request("textDocument/hover", {"textDocument": {"uri": path.as_uri()},
                                                  "position": position(text, "when group != 大学生", "财政补助截止")})
    value = hover["contents"]["value"]
    assert "财政补助截止" in value and "§四" in value
    assert "截至2024年6月底期间参保缴费的" in value
    assert "texts/峰岩府发〔2023〕60号.txt:" in value  # where the quote stands in the notice's text


def test_an_override_jumps_to_the_parents_definition(client, policies):
    path = policies / "fengyan-2024.policy"
    text = open_file(client, path)
    diagnostics(client, path)
    got = client.request("textDocument/definition", {"textDocument": {"uri": path.as_uri()},
                                                     "position": position(text, "override let 集中缴费开始", "集中缴费开始")})
    assert got["uri"] == (policies / "chongqing-2024.policy").resolve().as_uri()
    parent = (policies / "chongqing-2024.policy").read_text(encoding="utf-8").splitlines()
    assert parent[got["range"]["start"]["line"]].startswith("let 集中缴费开始")


def test_a_name_jumps_across_use_to_the_library(client, policies):
    path = policies / "fengyan-2024.policy"
    text = open_file(client, path)
    diagnostics(client, path)
    got = client.request("textDocument/definition", {"textDocument": {"uri": path.as_uri()},
                                                     "position": position(text, "when group != 大学生", "大学生")})
    assert got["uri"] == (policies / "lib" / "resident.policy").resolve().as_uri()
    lib = (policies / "lib" / "resident.policy").read_text(encoding="utf-8").splitlines()
    assert lib[got["range"]["start"]["line"]].strip().startswith("大学生")


def test_completion_offers_enum_members(client, policies):
    path = policies / "fengyan-2024.policy"
    text = open_file(client, path)
    diagnostics(client, path)
    got = client.request("textDocument/completion", {"textDocument": {"uri": path.as_uri()},
                                                     "position": position(text, "when group != 大学生", "大学生")})
    items = {i["label"]: i for i in got["items"]}
    assert items["大学生"]["kind"] == 20  # EnumMember
    assert "群体" in items["大学生"]["detail"]
    assert items["财政补助截止"]["kind"] != 20


def test_the_analyses_follow_the_fast_passes(client, policies):
    """A rule no case reaches (W501) is found by the analyses, published after the fast diagnostics."""
    path = policies / "chongqing-2024.policy"
    text = open_file(client, path)
    assert not [d for d in diagnostics(client, path) if d["code"] == "W501"]
    changed = text.replace("    when payment_date > 年初缴费截止 then 中途缴费\n}",
                           "    when payment_date > 年初缴费截止 then 中途缴费\n"
                           '  rule 从不 §一 "集中参保缴费期为文件下发之日起至 2023年 12月 31日" derived "planted dates"\n'
                           "    when payment_date < 2023-01-01 and payment_date > 2024-06-01 then 停止缴费\n}", 1)
    assert changed != text
    client.notify("textDocument/didChange", {"textDocument": {"uri": path.as_uri(), "version": 2},
                                             "contentChanges": [{"text": changed}]})
    fast = diagnostics(client, path, 2)
    assert not [d for d in fast if d["code"] == "W501"]
    full = diagnostics(client, path, 2)
    dead = [d for d in full if d["code"] == "W501"]
    assert dead and dead[0]["severity"] == 2
    assert changed.splitlines()[dead[0]["range"]["start"]["line"]].strip().startswith("rule 从不")


def test_a_normal_shutdown_and_exit_ends_with_status_0(tmp_path):
    """shutdown then exit, as every editor ends a session: exit status 0 and nothing on stderr (it was
    70, 'internal error: ValueError: I/O operation on closed file', once the server had closed stdout)."""
    def frame(o):
        body = json.dumps(o).encode()
        return b"Content-Length: %d\r\n\r\n" % len(body) + body
    session = b"".join(frame(m) for m in (
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"}))
    done = subprocess.run([sys.executable, "-m", "yibao.cli", "lsp"], input=session, capture_output=True,
                          timeout=120, cwd=ROOT)
    assert (done.returncode, done.stderr) == (0, b"")
    assert b'"id": 2' in done.stdout.replace(b'"id":2', b'"id": 2')  # shutdown was answered
