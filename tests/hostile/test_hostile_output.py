"""Issue 14's reproducers for output, processes and the compiled calculator: lost output is never
exit 0, no traceback on a closed pipe, a full disk or Ctrl-C, and the compiled module answers one line
per line, as `yibao eval --cases` does. And the parser cache never loads a pickle others can write."""
from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys

import pytest

from hostile import CQ2024, GOOD_CASE, ROOT, no_traceback, process, run, yibao
from yibao.policies.directory import PolicySet
from yibao.backends.python.generate import generate

FULL = "/dev/full"


@pytest.fixture(scope="module")
def calc(tmp_path_factory):
    path = tmp_path_factory.mktemp("calc") / "calc.py"
    path.write_text(generate(PolicySet(ROOT / "policies").load(CQ2024)), encoding="utf-8")
    return path


# ---- 5. lost output ------------------------------------------------------------------------------------
def _closed(fd: str, *argv, stdin=b""):
    """Run `yibao ARGV` as a shell would with `>&-` (fd "1") or `<&-` (fd "0")."""
    return subprocess.run(["sh", "-c", f'exec "$@" {fd}>&-' if fd == "1" else 'exec "$@" <&-', "sh",
                           sys.executable, "-m", "yibao.cli", *argv], input=stdin or None, capture_output=fd == "0",
                          stderr=subprocess.PIPE if fd == "1" else None, cwd=ROOT, timeout=60)


def test_closed_standard_output_is_an_error_not_exit_0():
    r = _closed("1", "eval", CQ2024, "--case", "-", stdin=GOOD_CASE)
    assert r.returncode == 74 and b"standard output is closed" in r.stderr and no_traceback(r.stderr)


def test_standard_output_closed_after_start_is_an_error_too():
    r = process(["-c", "import os, sys; os.close(1); from yibao.cli import main; sys.exit(main(sys.argv[1:]))",
                 "eval", CQ2024, "--case", "-"], stdin=GOOD_CASE)
    assert r.returncode == 74 and b"cannot write the output" in r.stderr and no_traceback(r.stderr)


@pytest.mark.skipif(not os.path.exists(FULL), reason="no /dev/full")
def test_a_full_disk_is_an_error_not_exit_0():
    with open(FULL, "w") as full:
        r = subprocess.run([sys.executable, "-m", "yibao.cli", "eval", CQ2024, "--case", "-"], input=GOOD_CASE,
                           stdout=full, stderr=subprocess.PIPE, cwd=ROOT, timeout=60)
    assert r.returncode == 74 and b"No space left" in r.stderr and no_traceback(r.stderr)


@pytest.mark.parametrize("target", ["/nonexistent/x.py", "{tmp}", FULL])
def test_compile_to_a_place_that_cannot_be_written(tmp_path, target):
    if target == FULL and not os.path.exists(FULL):
        pytest.skip("no /dev/full")
    code, _, err = run("compile", CQ2024, "-o", target.format(tmp=tmp_path))
    assert code == 74 and "cannot write" in err and no_traceback(err)


def _within(p: subprocess.Popen, read, seconds: float = 120):
    """read() (a pipe's read or readline) of process p, or the test fails after `seconds` with p killed:
    a child that never answers (Ctrl-C ignored, say) is a failure, not a hung suite."""
    from concurrent.futures import ThreadPoolExecutor, TimeoutError as Timeout
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(read)
        try:
            return future.result(timeout=seconds)
        except Timeout:
            p.kill()  # the pipe closes, so the read returns and the pool can shut down
            pytest.fail(f"no answer from {p.args!r} within {seconds} s")


def _default_sigint():
    """In the child: Ctrl-C as a terminal gives it, even when this suite runs with SIGINT ignored (nohup,
    a background job), which the child would inherit and Python would keep."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _closed_after_one_line(args, tmp_path) -> tuple[int, bytes]:
    """Run with a roll on standard input, read one line of output and close the pipe (`| head -1`)."""
    roll = tmp_path / "roll.jsonl"
    roll.write_bytes(b"\n".join([GOOD_CASE] * 50000) + b"\n")
    with open(roll, "rb") as stdin:
        p = subprocess.Popen([sys.executable, *map(str, args)], cwd=ROOT, stdin=stdin, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        _within(p, p.stdout.readline)
        p.stdout.close()
        err = _within(p, p.stderr.read)
        p.wait(timeout=120)
    return p.returncode, err


def test_eval_into_a_closed_pipe_is_quiet_and_not_exit_0(tmp_path):
    code, err = _closed_after_one_line(["-m", "yibao.cli", "eval", CQ2024, "--cases", "-"], tmp_path)
    assert code == 141 and no_traceback(err)


def test_standard_input_closed_is_bad_input():
    r = _closed("0", "eval", CQ2024, "--case", "-")
    assert r.returncode == 2 and b"standard input is closed" in r.stderr and no_traceback(r.stderr)


# ---- 5, 12. the compiled calculator ------------------------------------------------------------------------
def test_compiled_main_answers_every_line_bad_and_blank_ones_too(calc):
    lines = [GOOD_CASE, b"", b'{"tier": 7}', b"not json", b"[" * 5000, b'{"payment_date": "10000-01-01"}',
             b'{"tier": 1, "tier": 2}', b'{"\\ud800": 1}', b"\xff", GOOD_CASE]
    r = process(["-I", calc], stdin=b"\n".join(lines) + b"\n")
    out = r.stdout.decode("utf-8").split("\n")[:-1]
    assert r.returncode == 2 and len(out) == len(lines) and no_traceback(r.stderr)
    assert out[1] == "" and json.loads(out[0]) == json.loads(out[-1])
    assert all(json.loads(x)["exit"] == 2 for x in out[2:-1])


def test_compiled_main_agrees_with_yibao_eval_line_for_line(calc):
    lines = b"\n".join([GOOD_CASE, b'{"tier": 7}', b'{"inpatient_reimbursement": 86170907570494.24}',
                        b'{"tier": 2, "payment_date": "2024-02-29", "identities": ["dibao"]}']) + b"\n"
    mine = process(["-I", calc], stdin=lines).stdout.decode("utf-8").split("\n")
    theirs = yibao("eval", CQ2024, "--cases", "-", stdin=lines).stdout.decode("utf-8").split("\n")
    assert [("error" in json.loads(x)) if x else None for x in mine] == \
        [("error" in json.loads(x)) if x else None for x in theirs]
    assert mine[0] == theirs[0] and mine[2] == theirs[2] and mine[3] == theirs[3]


def test_compiled_main_under_head_has_no_traceback(calc, tmp_path):
    code, err = _closed_after_one_line(["-I", calc], tmp_path)
    assert code == 141 and no_traceback(err)


def test_compiled_main_interrupted_has_no_traceback(calc):
    p = subprocess.Popen([sys.executable, "-I", "-u", str(calc)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, preexec_fn=_default_sigint)
    p.stdin.write(GOOD_CASE + b"\n")
    p.stdin.flush()
    _within(p, p.stdout.readline, 60)  # it is running and waiting for the next line
    p.send_signal(signal.SIGINT)
    err = _within(p, p.stderr.read, 60)
    p.wait(timeout=60)
    assert p.returncode == 130 and no_traceback(err)


def test_compiled_evaluate_rejects_what_a_caller_gets_wrong(calc):
    script = """
import sys, json; sys.path.insert(0, sys.argv[1]); import calc
c = {"tier": 1, "payment_date": "2023-11-01"}
out = {}
for name, call in [("int key", lambda: calc.evaluate({1: 2})), ("nope", lambda: calc.evaluate(c, decisions=["nope"])),
                   ("year 10000", lambda: calc.evaluate({"payment_date": "10000-01-01"})),
                   ("float money", lambda: calc.evaluate({"inpatient_reimbursement": 1e400}))]:
    try:
        call()
        out[name] = "accepted"
    except (calc.CaseError, calc.Undecidable) as exc:
        out[name] = type(exc).__name__ + ": " + str(exc)
out["one name"] = calc.evaluate_json(c, decisions="assistance")
out["python"] = repr(calc.evaluate(c, decisions="assistance"))
print(json.dumps(out, ensure_ascii=False))
"""
    r = process(["-I", "-c", script, calc.parent])
    out = json.loads(r.stdout)
    assert out["int key"].startswith("CaseError: field `1`: unknown field")
    # a name that is no decision of the interface is bad input (interface.md), as `--decision` says it
    assert out["nope"].startswith("CaseError: field `decision`: `nope` is not a decision of the interface")
    assert out["year 10000"].startswith("CaseError") and out["float money"].startswith("CaseError")
    assert out["one name"] == {"assistance": "0.00"}
    assert out["python"] == "{'assistance': Decimal('0.00')}"


# ---- 2. the parser cache ---------------------------------------------------------------------------------------
class _Plant:
    """A pickle that, loaded, creates a file: what an attacker would plant."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _planted(directory, marker):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "grammar.lark-cache").write_bytes(b"0\n" + pickle.dumps(_Plant(marker)))


# the tables built and cached, as where the shipped ones do not fit (a grammar being edited, another Lark)
BUILD = ("import sys; sys.modules['yibao.language._grammar_tables'] = None\n"
         "import yibao.language.parse as p; p.parser(); print(p.private_cache_dir())")


def test_the_parser_never_loads_a_pickle_from_the_shared_temp_directory(tmp_path):
    shared, home = tmp_path / "tmp", tmp_path / "cache"
    shared.mkdir()
    r = process(["-c", BUILD], env={"TMPDIR": str(shared), "XDG_CACHE_HOME": str(home)})
    assert r.returncode == 0 and not list(shared.iterdir())
    d = home / "yibao"
    assert (d / "grammar.lark-cache").exists() and d.stat().st_mode & 0o777 == 0o700


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX only")
def test_a_cache_others_can_write_is_never_loaded(tmp_path):
    marker = tmp_path / "ran"
    home = tmp_path / "cache"
    _planted(home / "yibao", marker)
    (home / "yibao").chmod(0o777)  # a directory anyone could have written to
    r = process(["-c", BUILD], env={"XDG_CACHE_HOME": str(home)})
    assert r.returncode == 0 and r.stdout.strip() == b"None" and not marker.exists()
    # the control: in a private directory the same file is loaded (so the test above could fail)
    (home / "yibao").chmod(0o700)
    process(["-c", BUILD], env={"XDG_CACHE_HOME": str(home)})
    assert marker.exists()


def test_closed_standard_error_does_not_leak_messages_into_the_results(calc):
    roll = b"\n".join([GOOD_CASE, b'{"tier": 7}', GOOD_CASE]) + b"\n"
    for argv in (["-m", "yibao.cli", "eval", CQ2024, "--cases", "-"], ["-I", calc]):
        r = subprocess.run(["sh", "-c", 'exec "$@" 2>&-', "sh", sys.executable, *map(str, argv)], input=roll,
                           stdout=subprocess.PIPE, cwd=ROOT, timeout=60)
        lines = r.stdout.decode("utf-8").split("\n")[:-1]
        assert r.returncode == 2 and len(lines) == 3 and all(json.loads(x) for x in lines)
