"""A partitioned Parquet roll through the command line: `yibao eval NOTICE --cases DIR_OR_GLOB --output
DIR`, in this process and on a real Dask LocalCluster (`--dask threads`: two workers that are threads,
since worker processes take seconds to start on this shared machine), gives the same bytes, the
single-file roll's results, progress, and exit 2 naming the partition and column where partitions'
schemas differ."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pq = pytest.importorskip("pyarrow.parquet")
pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")

from test_rolls import PS, as_text, roll_cases  # noqa: E402

from yibao.cli import main  # noqa: E402
from yibao.run.roll import batch  # noqa: E402
from yibao.run.roll import files as rolls  # noqa: E402
from yibao.run.roll.batch import eval_roll  # noqa: E402
from yibao.run.roll.dask import evaluate_parquet  # noqa: E402

# no warning from the Dask path (Pandas4Warning once); a file another test left for the collector is
# not this test's to judge
pytestmark = [pytest.mark.filterwarnings("error"), pytest.mark.filterwarnings("ignore::ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]
ROOT = Path(__file__).resolve().parents[2]
NOTICE = "九龙坡医保发〔2023〕46号"
PARTS = 4


def _eval(*args):
    return main(["--policies", str(ROOT / "policies"), "eval", NOTICE, *map(str, args)])


@pytest.fixture
def partitioned(tmp_path):
    """(the whole roll, its partitions' directory): 1,200-odd cases, bad rows among them, with ids."""
    cases = roll_cases(PS.load(NOTICE), n=1200)
    for i, case in enumerate(cases):
        case["id"] = i
    whole = tmp_path / "whole.parquet"
    rolls.write_cases(str(whole), cases)
    table = pq.read_table(whole)
    (tmp_path / "roll" / "b").mkdir(parents=True)
    for k in range(PARTS):  # part.0 … part.2 at the top, part.3 a level down: names kept under --output
        start, stop = k * len(cases) // PARTS, (k + 1) * len(cases) // PARTS
        where = tmp_path / "roll" / ("b" if k == 3 else "") / f"part.{k}.parquet"
        pq.write_table(table.slice(start, stop - start), where)
    return whole, tmp_path / "roll"


class _Bar:
    def __init__(self, total):
        self.total, self.done = total, 0

    def update(self, n):
        self.done += n

    def close(self):
        pass


def test_dask_from_the_cli_gives_the_single_machine_bytes(partitioned, tmp_path, capsys, monkeypatch):
    whole, roll = partitioned
    bars = []
    monkeypatch.setattr(batch, "_progress", lambda total: bars.append(_Bar(total)) or bars[-1])
    assert _eval("--cases", roll, "--output", tmp_path / "here") == 2
    here_err = capsys.readouterr().err
    assert _eval("--cases", f"{roll}/**/*.parquet", "--output", tmp_path / "there", "--dask", "threads") == 2
    there_err = capsys.readouterr().err
    names = sorted(str(p.relative_to(tmp_path / "here")) for p in (tmp_path / "here").rglob("*.parquet"))
    assert names == ["b/part.3.parquet", "part.0.parquet", "part.1.parquet", "part.2.parquet"]
    for name in names:
        assert (tmp_path / "there" / name).read_bytes() == (tmp_path / "here" / name).read_bytes(), name
    assert here_err == there_err.replace(str(tmp_path / "there"), str(tmp_path / "here"))
    assert "part.0.parquet: row" in here_err and "Traceback" not in there_err
    rows = pq.ParquetFile(whole).metadata.num_rows
    assert len(bars) == 2 and all(b.total == b.done == rows for b in bars)  # progress: every row, in both

    # the rows: the single-file roll's, but that an error names its partition and row there
    assert eval_roll(PS.load(NOTICE), str(whole), str(tmp_path / "one.parquet")) == 2
    want = pq.read_table(tmp_path / "one.parquet").to_pylist()
    got = [r for name in ["part.0.parquet", "part.1.parquet", "part.2.parquet", "b/part.3.parquet"]
           for r in pq.read_table(tmp_path / "there" / name).to_pylist()]
    assert len(got) == len(want)
    assert pq.read_schema(tmp_path / "there" / "part.0.parquet") == pq.read_schema(tmp_path / "one.parquet")
    strip = (lambda r: {k: v for k, v in as_text(r).items() if k != "error"})  # noqa: E731
    assert [strip(r) for r in got] == [strip(r) for r in want]
    assert [r["error"] is None for r in got] == [r["error"] is None for r in want]
    assert sum(r["error"] is not None for r in got) >= 5
    assert all(re.search(r"part\.[0-3]\.parquet: row [0-9]+: ", r["error"]) for r in got if r["error"])


@pytest.mark.parametrize("change", ["a column the first lacks", "a column missing", "another type"])
def test_partitions_whose_schemas_differ_are_bad_input_naming_them(partitioned, tmp_path, capsys, change):
    import pyarrow as pa
    _, roll = partitioned
    first, other = roll / "part.0.parquet", roll / "part.2.parquet"
    if change == "a column the first lacks":  # issue 24 item 3: the Dask path dropped it (a freshman's
        pq.write_table(pq.read_table(first).drop_columns(["freshman"]), first)  # benefit_start wrong)
        column = "freshman"
    elif change == "a column missing":
        pq.write_table(pq.read_table(other).drop_columns(["tier"]), other)
        column = "tier"
    else:
        t = pq.read_table(other)
        pq.write_table(t.set_column(t.schema.get_field_index("tier"), "tier", t.column("tier").cast(pa.int8())), other)
        column = "tier"
    assert _eval("--cases", roll, "--output", tmp_path / "out", "--dask", "threads") == 2
    err = capsys.readouterr().err
    assert f"'{column}'" in err or f"`{column}`" in err
    assert (first if change == "a column the first lacks" else other).name in err  # (b/part.3 comes first)
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not list((tmp_path / "out").rglob("*.parquet")) if (tmp_path / "out").exists() else True


def test_partitioned_roll_needs_an_output_directory(partitioned, tmp_path, capsys):
    _, roll = partitioned
    assert _eval("--cases", roll, "--dask", "local") == 2
    (tmp_path / "file.parquet").write_bytes(b"")
    assert _eval("--cases", roll, "--output", tmp_path / "file.parquet") == 2
    assert _eval("--cases", tmp_path / "nothing" / "*.parquet", "--output", tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert "--output DIR" in err and "is a directory" in err and "no Parquet partitions" in err
    assert "Traceback" not in err


def test_python_entry_on_a_client_gives_the_same_bytes(partitioned, tmp_path, capsys):
    _, roll = partitioned
    assert _eval("--cases", roll, "--output", tmp_path / "here") == 2
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        assert evaluate_parquet(NOTICE, str(roll), str(tmp_path / "there"), policies=ROOT / "policies") == 2
    for p in (tmp_path / "here").rglob("*.parquet"):
        assert (tmp_path / "there" / p.relative_to(tmp_path / "here")).read_bytes() == p.read_bytes()


def test_a_scheduler_that_cannot_be_reached_is_said_plainly(partitioned, tmp_path, capsys, monkeypatch):
    from yibao.run.roll import dask as on_dask
    monkeypatch.setattr(on_dask, "CONNECT_TIMEOUT", "1s")
    _, roll = partitioned
    assert _eval("--cases", roll, "--output", tmp_path / "out", "--scheduler", "tcp://127.0.0.1:1") == 2
    err = capsys.readouterr().err
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:1" in err and "Traceback" not in err
