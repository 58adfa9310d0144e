"""Issue 24's fuzzers, one for each surface the second attack went through: CSV and Parquet rolls, the
language server's wire, the JavaScript calculator's standard input, and crafted policies' size against
the work they cause. Derandomized and small by default (seconds, in CI); `pytest -m fuzz
--hypothesis-profile long tests/hostile` runs them at the long budget (conftest.py)."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st

from conftest import POLICIES
from helpers import node
from hostile import CITE, CQ2024, budget, no_traceback, policy_dir, run
from test_hostile_fuzz import json_lines

pytestmark = pytest.mark.fuzz
LONG = settings.default.max_examples > 1000
FUZZ = dict(deadline=None, derandomize=not LONG, database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

# ---- CSV rolls: any width, any cell; every row answered in its place, no formula out -----------------
FORMULA = tuple("=+-@\t\r")
CELLS = st.one_of(st.sampled_from(["1", "2", "一档", "2023-11-01", "2024-02-30", "dibao;orphan", "", "true", "-5",
                                   "=cmd|' /C calc'!A0", "@SUM(A1)", "+1", "\ufeff", "a\nb", '"', "，"]),
                  st.text(max_size=8))
FIELDS = ["id", "tier", "payment_date", "identities", "group", "lapsed_years", "colour"]


@st.composite
def csv_rolls(draw):
    header = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=5, unique=True))
    rows = draw(st.lists(st.lists(CELLS, min_size=max(0, len(header) - 2), max_size=len(header) + 2),
                         min_size=1, max_size=12))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return header, rows, out.getvalue()


@settings(max_examples=budget(25), **FUZZ)
@given(roll=csv_rolls(), fmt=st.sampled_from(["csv", "jsonl", "parquet"]))
def test_a_csv_roll_is_answered_row_for_row_and_never_fails(tmp_path_factory, roll, fmt):
    header, rows, text = roll
    d = tmp_path_factory.mktemp("csv")
    (d / "roll.csv").write_text(text, encoding="utf-8")
    out = d / f"out.{fmt}"
    code, _, err = run("eval", CQ2024, "--cases", d / "roll.csv", "--output", out)
    assert code in (0, 2, 3) and no_traceback(err), err
    event(f"exit {code}")
    if not out.exists():  # the whole file refused (bad input naming it): one line
        assert code == 2 and len(err.strip().splitlines()) == 1, (err, text)
        return
    records = _records(text)
    if fmt == "parquet":
        assert pq.read_table(out).num_rows == records
    elif fmt == "csv":
        with open(out, encoding="utf-8", newline="") as f:
            cells = list(csv.DictReader(f))
        assert len(cells) == records, (text, cells)
        for row in cells:
            for value in row.values():
                assert not value.startswith(FORMULA) or value.lstrip("+-").replace(".", "", 1).isdigit(), value
    else:
        assert len(out.read_text(encoding="utf-8").split("\n")) - 1 == records


def _records(text: str) -> int:
    """The rows of a CSV text after its header (a blank line is none, as for pyarrow)."""
    return sum(1 for row in csv.reader(io.StringIO(text, newline="")) if row) - 1


# ---- Parquet rolls: any column type --------------------------------------------------------------
COLUMNS = {
    "int": (pa.int64(), st.integers(-10, 10)), "text": (pa.string(), st.sampled_from(["1", "a", "2023-11-01", "=x"])),
    "date": (pa.date32(), st.dates()), "binary": (pa.binary(), st.binary(max_size=3)),
    "list": (pa.list_(pa.string()), st.lists(st.sampled_from(["dibao", "x"]), max_size=2)),
    "float": (pa.float64(), st.floats(allow_nan=True)), "bool": (pa.bool_(), st.booleans()),
}


@st.composite
def parquet_rolls(draw):
    names = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=4, unique=True))
    n = draw(st.integers(1, 6))
    columns = []
    for _ in names:
        kind, values = COLUMNS[draw(st.sampled_from(sorted(COLUMNS)))]
        columns.append(pa.array(draw(st.lists(st.none() | values, min_size=n, max_size=n)), kind))
    return pa.table(columns, names=names)


@settings(max_examples=budget(25), **FUZZ)
@given(table=parquet_rolls(), fmt=st.sampled_from(["csv", "jsonl", "parquet"]))
def test_a_parquet_roll_of_any_column_types_is_answered_or_refused_by_name(tmp_path_factory, table, fmt):
    d = tmp_path_factory.mktemp("pq")
    pq.write_table(table, d / "roll.parquet")
    out = d / f"out.{fmt}"
    code, _, err = run("eval", CQ2024, "--cases", d / "roll.parquet", "--output", out)
    assert code in (0, 2, 3) and no_traceback(err) and "internal error" not in err, err
    event(f"exit {code}")
    if out.exists() and fmt == "parquet":
        assert pq.read_table(out).num_rows == table.num_rows


# ---- the language server's wire: any frame, and it still answers --------------------------------------
def _frame(body: bytes, length: int | None = None) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % (len(body) if length is None else length) + body


JSONRPC = st.fixed_dictionaries({"jsonrpc": st.sampled_from(["2.0", "1.0", 2]),
                                 "method": st.sampled_from(["initialize", "textDocument/hover", "textDocument/didOpen",
                                                            "textDocument/didChange", "$/x", "nope", ""])},
                                optional={"id": st.none() | st.integers() | st.text(max_size=3) | st.booleans(),
                                          "params": st.none() | st.integers() | st.dictionaries(
                                              st.sampled_from(["textDocument", "position", "uri"]),
                                              st.text(max_size=5) | st.integers(), max_size=2)})
FRAMES = st.one_of(st.binary(max_size=40).map(_frame), JSONRPC.map(lambda m: _frame(json.dumps(m).encode())),
                   st.sampled_from([b"Content-Length: x\r\n\r\n", b"\r\n", b"Content-Type: a\r\n",
                                    _frame(b"{}"), _frame(b"[]"), _frame(b"null"), _frame(b'{"jsonrpc":"2.0"}')]))


@pytest.fixture(scope="module")
def lsp_server(tmp_path_factory):
    pytest.importorskip("pygls")
    log = tmp_path_factory.mktemp("lsp") / "stderr"
    with open(log, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "yibao.cli", "--policies", str(POLICIES), "lsp"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                                env=dict(os.environ, PYTHONUNBUFFERED="1"))
    reader = _Reader(proc.stdout)
    proc.stdin.write(_frame(json.dumps({"jsonrpc": "2.0", "id": "init", "method": "initialize",
                                        "params": {"capabilities": {}}}).encode()))
    proc.stdin.flush()
    reader.until("init")
    yield proc, reader
    proc.kill()
    proc.wait()
    assert "Traceback" not in log.read_text(encoding="utf-8", errors="replace")


class _Reader:
    def __init__(self, out):
        self.out = out

    def until(self, wanted_id):
        """Messages until the answer to wanted_id (a hang is caught by the caller's pytest timeout)."""
        while True:
            headers = {}
            while (line := self.out.readline()) not in (b"\r\n", b""):
                k, _, v = line.decode("ascii").partition(":")
                headers[k.strip().lower()] = v.strip()
            assert line, "the language server ended"
            m = json.loads(self.out.read(int(headers["content-length"])))
            if m.get("id") == wanted_id:
                return m


@settings(max_examples=budget(40), **FUZZ)
@given(frames=st.lists(FRAMES, min_size=1, max_size=4), n=st.integers(0, 10 ** 6))
def test_the_language_server_answers_after_any_frames(lsp_server, frames, n):
    proc, reader = lsp_server
    ping = f"ping-{n}"
    # a frame that leaves the headers open is closed by a blank line; then a request it must answer
    proc.stdin.write(b"".join(frames) + b"\r\n" + _frame(json.dumps(
        {"jsonrpc": "2.0", "id": ping, "method": "textDocument/hover", "params": {
            "textDocument": {"uri": "untitled:x"}, "position": {"line": 0, "character": 0}}}).encode()))
    proc.stdin.flush()
    assert "id" in reader.until(ping)


# ---- the JavaScript calculator's standard input: one line out per line in -----------------------------
@pytest.fixture(scope="module")
def js_calc(tmp_path_factory):
    from yibao.backends.javascript.generate import generate
    from yibao.policies.directory import PolicySet
    path = tmp_path_factory.mktemp("js") / "calc.mjs"
    path.write_text(generate(PolicySet(POLICIES).load(CQ2024)), encoding="utf-8")
    return path


@settings(max_examples=budget(20), **FUZZ)
@given(lines=st.lists(json_lines(), min_size=1, max_size=6),
       ends=st.sampled_from([b"\n", b"\r\n"]), cr=st.booleans())
def test_the_javascript_calculator_answers_every_line_of_any_input(js_calc, lines, ends, cr):
    data = ends.join(lines) + ends
    if cr:  # a bare CR inside: JSON whitespace or part of a bad line, never a line's end
        data = data.replace(b"}", b"}\r", 1)
    done = subprocess.run([node(), str(js_calc)], input=data, capture_output=True, timeout=60)
    assert done.returncode in (0, 2, 3) and b"    at " not in done.stderr, done.stderr
    assert done.stdout.count(b"\n") == data.count(b"\n")


# ---- crafted policies: the work a table causes grows with its text, not its key product ---------------
@st.composite
def crafted_tables(draw):
    sizes = draw(st.lists(st.integers(1, 120), min_size=1, max_size=3))
    body = ""
    for k, n in enumerate(sizes):
        body += f"enum E{k} {{\n" + "".join(f'  m{k}_{i} = "c{k}_{i}"\n' for i in range(n)) + "}\n"
        body += f'fact f{k} : E{k} "f{k}"\n'
    rows = ""
    for _ in range(draw(st.integers(1, 4))):
        cells = []
        for k, n in enumerate(sizes):
            named = draw(st.lists(st.integers(0, n - 1), max_size=2, unique=True))
            cells.append("*" if not named else "{" + ", ".join(f"m{k}_{i}" for i in named) + "}")
        rows += f"  {', '.join(cells)} => 380 元 {CITE}\n"
    keys = ", ".join(f"f{k}" for k in range(len(sizes)))
    body += f'table T ({keys}) : money "t"\n  hit first\n  otherwise 0 元 {CITE}\n{{\n{rows}}}\n'
    body += f'decision d : money "d" = T {CITE}\n'
    return sizes, rows, body


@settings(max_examples=budget(15), **FUZZ)
@given(crafted=crafted_tables())
def test_a_tables_work_is_bounded_by_its_rows_not_its_key_product(tmp_path_factory, crafted):
    import math
    from yibao.analysis.tables import _PRODUCT, key_domains, table_gaps
    from yibao.backends.python.generate import generate
    from yibao.policies.directory import PolicySet
    sizes, rows, body = crafted
    d = policy_dir(tmp_path_factory.mktemp("p"), body)
    program, diags = PolicySet(d).check(str(d / "t.policy"))
    assert program is not None, [x.render() for x in diags]
    t = program.definitions["T"].table
    tried = math.prod(map(len, key_domains(program, t)))
    named = sum(len(c) for row in t.rows for c in row.cells if c is not None)
    assert tried <= max(_PRODUCT, (named + 1) ** len(sizes))
    table_gaps(program, program.definitions["T"])
    source = generate(program)
    event(f"product {'over' if math.prod(sizes) > _PRODUCT else 'under'} the bound")
    assert len(source) < 400_000 + 200 * len(body)  # never a literal of the key product
