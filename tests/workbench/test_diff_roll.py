"""`yibao diff OLD NEW --roll`: counts and totals recomputed here, independently, from two
`yibao eval --cases` runs (subprocesses) on the same roll, the second with its dates moved by hand."""
from __future__ import annotations

import calendar
import datetime as dt
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from decimal import Decimal

import pytest

from rollgen import LEAP_DAY, identity_codes, write_roll
from yibao.cli import main

OLD, NEW = "渝医保发〔2023〕24号", "渝医保发〔2025〕42号"
YEARS = 2
# interface.md's thresholds, limits and standards: levels, whose change a person is reported, never a sum
LEVELS = {"critical_illness_deductible", "critical_illness_limit_increase", "outpatient_limit",
          "prenatal_exam_limit", "fiscal_subsidy_standard"}


def move(iso: str) -> str:
    """Written apart from years.py: the same month and day two years on, Feb 29 → Feb 28."""
    y, m, d = map(int, iso.split("-"))
    y += YEARS
    return dt.date(y, m, min(d, calendar.monthrange(y, m)[1])).isoformat()


def evaluate(notice: str, path) -> list[dict]:
    done = subprocess.run([sys.executable, "-m", "yibao.cli", "eval", notice, "--cases", str(path)],
                          capture_output=True, text=True, encoding="utf-8", check=True)
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.fixture(scope="module")
def roll(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("roll")
    path, moved = tmp / "roll.jsonl", tmp / "moved.jsonl"
    people = write_roll(path, 1500, seed=11)
    with open(moved, "w", encoding="utf-8") as f:
        for c in people:
            m = {**c, **{k: move(c[k]) for k in ("payment_date", "birth_date") if k in c}}
            f.write(json.dumps(m, ensure_ascii=False) + "\n")
    return tmp, path, people, evaluate(OLD, path), evaluate(NEW, moved)


def _expected(people, before, after, names):
    """(group, tier, identities) → decision → [changed, total, newly undecidable, newly decidable,
    the smallest and the largest change of one person]."""
    out = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0, None, None]))
    for case, ro, rn in zip(people, before, after):
        assert "error" not in ro and "error" not in rn
        for r in (ro, rn):
            if "benefit_start" in r and "benefit_end" in r:
                r["benefit_days"] = (dt.date.fromisoformat(r["benefit_end"])
                                     - dt.date.fromisoformat(r["benefit_start"])).days + 1
        key = (case.get("group", "resident"), case["tier"], identity_codes(case))
        for name in names:
            a, b = ro.get(name), rn.get(name)
            t = out[key][name]
            if a is None and b is None:
                continue
            if a is None:
                t[3] += 1
            elif b is None:
                t[2] += 1
            elif name in ("benefit_start", "benefit_end"):
                days = (dt.date.fromisoformat(b) - dt.date.fromisoformat(move(a))).days
                if days:
                    t[0] += 1
                    t[1] += days
            elif a != b:
                t[0] += 1
                if isinstance(a, int):
                    t[1] += b - a
                elif name != "payment_window":
                    d = Decimal(b) - Decimal(a)
                    t[1] += d
                    t[4], t[5] = min(d, t[4] if t[4] is not None else d), max(d, t[5] if t[5] is not None else d)
    return out


def _want(name, t):
    """What the diff reports of a tally: a level's change a person, anything else its total."""
    if name not in LEVELS:
        return t[:4]
    return [t[0], None if t[4] is None else {"low": f"{t[4]:.2f}", "high": f"{t[5]:.2f}"}, t[2], t[3]]


def _number(e):
    if "each" in e:
        return e["each"]
    total = e.get("total", 0)
    return Decimal(total) if isinstance(total, str) else total


def test_roll_counts_and_totals_match_two_evals(roll, capsys):
    tmp, path, people, before, after = roll
    assert main(["diff", OLD, NEW, "--roll", str(path), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)["roll"]
    assert result["people"] == len(people) and result["years_moved"] == YEARS
    names = [e["decision"] for e in result["decisions"]] + result["unchanged"]
    both = {k for r in before for k in r} & {k for r in after for k in r}
    assert both <= set(names)
    assert {"critical_illness_deductible", "amount_due", "benefit_start", "benefit_days"} <= set(names)
    expected = _expected(people, before, after, names)

    got = {(r["group"], r["tier"], tuple(r["identities"]), r["decision"]):
           [r["changed"], _number(r), r["newly_undecidable"], r["newly_decidable"]] for r in result["groups"]}
    want = {(*key, name): _want(name, t) for key, per in expected.items() for name, t in per.items()
            if any(t[:1] + t[2:4])}
    assert got == want
    for e in result["decisions"]:  # the totals by decision add the groups up
        pers = [per[e["decision"]] for per in expected.values()]
        lows, highs = [t[4] for t in pers if t[4] is not None], [t[5] for t in pers if t[5] is not None]
        t = [sum(t[i] for t in pers) for i in range(4)] + [min(lows, default=None), max(highs, default=None)]
        assert [e["changed"], _number(e), e["newly_undecidable"], e["newly_decidable"]] == _want(e["decision"], t)
    # everyone's deductible rises by 2023.00 yuan (17833 → 19856): a level, reported a person, not summed
    deductible = next(e for e in result["decisions"] if e["decision"] == "critical_illness_deductible")
    assert deductible["changed"] == len(people) and "total" not in deductible
    assert deductible["each"] == {"low": "2023.00", "high": "2023.00"} and deductible["level"] is True
    assert result["decisions"][0]["kind"] == "money"  # biggest first: money before days and windows
    assert [e["level"] for e in result["decisions"] if e["kind"] == "money"] == sorted(
        e["level"] for e in result["decisions"] if e["kind"] == "money")  # money paid and received first


def test_leap_day_people_move_to_feb_28(roll):
    _, _, people, _, after = roll
    assert people[-len(LEAP_DAY):] == LEAP_DAY
    assert move("2024-02-29") == "2026-02-28"
    from yibao.workbench.years import shift_raw
    moved = shift_raw(LEAP_DAY[2], ["payment_date", "birth_date"], YEARS)
    assert moved["birth_date"] == "2026-02-28" and moved["payment_date"] == "2026-03-15"
    assert LEAP_DAY[2]["birth_date"] == "2024-02-29"  # the roll's own case is left as it was


def test_markdown_chart_and_html(roll, capsys):
    tmp, path, people, *_ = roll
    report = tmp / "report.md"
    assert main(["diff", OLD, NEW, "--roll", str(path), "--format", "markdown", "-o", str(report)]) == 0
    md = report.read_text(encoding="utf-8")
    assert "![the biggest money changes](report.svg)" in md
    assert "| `critical_illness_deductible` | 大病保险起付线 |" in md
    assert "Feb 29 → Feb 28" in md  # the report says how dates moved
    svg = ET.parse(tmp / "report.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    texts = " ".join("".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    # the deductible in the thresholds' panel, a person's change; no panel of group totals of it
    assert "thresholds and limits: change for one person" in texts and "critical_illness_deductible 大病保险起付线" in texts
    assert "critical_illness_deductible 大病保险起付线: the biggest changes" not in texts
    assert "contribution 应缴费用（资助前）: the biggest changes" in texts
    assert "resident 普通城乡居民 · 1 一档 · none 无" in texts
    assert f"{2023 * len(people):,}" not in texts  # the deductible is never added up over people
    assert "+2,023.00" in texts  # its change for one person, on its bar of the thresholds' panel
    assert "money paid and received: total change over the roll" in texts
    assert len(list(svg.iter("{http://www.w3.org/2000/svg}path"))) > 10  # bars drawn, not an empty frame
    png = tmp / "chart.png"
    assert main(["diff", OLD, NEW, "--roll", str(path), "--chart", str(png), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["roll"]["chart"] == str(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = tmp / "report.html"
    assert main(["diff", OLD, NEW, "--roll", str(path), "--format", "html", "-o", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<figure><svg" in html and "<code>amount_due</code>" in html


def test_state_is_bounded_by_codes_not_people(roll):
    """Aggregated as it streams: the same people three times over keep the same number of tallies."""
    from yibao.policies.directory import PolicySet, default_directory, load_notice
    from yibao.workbench.diff_roll import RollDiff, iter_roll
    _, path, people, *_ = roll
    ps = PolicySet(default_directory())
    d = RollDiff(load_notice(ps, OLD), load_notice(ps, NEW))
    assert not isinstance(iter_roll(str(path)), list)
    sizes = []
    for _ in range(3):
        for number, raw in iter_roll(str(path)):
            d.add(str(number), raw)
        sizes.append((len(d.cells), sum(len(t) for _, t in d.cells.values())))
    assert d.people == 3 * len(people) and sizes[0] == sizes[1] == sizes[2]


def test_bad_roll_line_names_line_and_field(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"tier": 1, "payment_date": "2024-01-05"}\n{"tier": 3, "payment_date": "2024-01-05"}\n',
                   encoding="utf-8")
    assert main(["diff", OLD, NEW, "--roll", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2" in err and "tier" in err and "Traceback" not in err
    bad.write_text('{"id": [1], "tier": 1, "payment_date": "2024-01-05"}\n', encoding="utf-8")
    assert main(["diff", OLD, NEW, "--roll", str(bad)]) == 2
    assert "field `id`" in capsys.readouterr().err
    bad.write_text("{\n", encoding="utf-8")
    assert main(["diff", OLD, NEW, "--roll", str(bad)]) == 2
    assert "malformed JSON" in capsys.readouterr().err


def test_id_joins_results_and_is_not_a_fact(tmp_path, capsys):
    roll = tmp_path / "ids.jsonl"
    roll.write_text('{"id": "a-1", "tier": 1, "payment_date": "2024-01-05"}\n{"id": 2, "tier": 2, '
                    '"payment_date": "2024-01-05"}\n', encoding="utf-8")
    assert main(["diff", OLD, NEW, "--roll", str(roll), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)["roll"]
    amount = next(e for e in result["decisions"] if e["decision"] == "contribution")
    assert result["people"] == 2 and amount["total"] == "40.00"  # 380 → 400 and 755 → 775


def test_a_csv_roll_gives_what_the_same_jsonl_roll_gives(tmp_path, capsys):
    jsonl, csv = tmp_path / "roll.jsonl", tmp_path / "roll.csv"
    jsonl.write_text('{"id": "a", "tier": 1, "payment_date": "2024-01-05"}\n'
                     '{"id": "b", "tier": 2, "identities": ["dibao", "orphan"], "payment_date": "2023-11-01"}\n',
                     encoding="utf-8")
    csv.write_text("id,tier,identities,payment_date\na,1,,2024-01-05\nb,2,dibao;orphan,2023-11-01\n", encoding="utf-8")
    reports = []
    for roll in (jsonl, csv):
        assert main(["diff", OLD, NEW, "--roll", str(roll), "--format", "json"]) == 0
        report = json.loads(capsys.readouterr().out)["roll"]
        assert report.pop("path") == str(roll)
        reports.append(report)
    assert reports[0]["people"] == 2 and reports[0] == reports[1]


def test_the_headline_counts_money_paid_and_received_and_reports_thresholds_apart(tmp_path, capsys):
    """Two people: contributions rise 380 → 400 and 755 → 775 (+40.00 in all); the critical-illness
    deductible rises 17833 → 19856 for each, which is +2023.00 a person, not +4046.00 of cost."""
    from yibao.workbench.diff_chart import by_decision, levels
    from yibao.workbench.labels import Labels
    roll = tmp_path / "two.jsonl"
    roll.write_text('{"tier": 1, "payment_date": "2024-01-05"}\n{"tier": 2, "payment_date": "2024-01-05"}\n',
                    encoding="utf-8")
    assert main(["diff", OLD, NEW, "--roll", str(roll), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)["roll"]
    money = {e["decision"]: e for e in result["decisions"] if e["kind"] == "money"}
    assert money["contribution"]["total"] == "40.00" and money["amount_due"]["total"] == "40.00"
    assert money["critical_illness_deductible"]["each"] == {"low": "2023.00", "high": "2023.00"}
    assert "total" not in money["critical_illness_deductible"]
    for row in (r for r in result["groups"] if r["kind"] == "money"):  # by group, a level is never summed either
        assert ("total" in row) != (row["decision"] in LEVELS)
    plain = Labels()  # no notice's labels: the names as they are
    assert by_decision(result, plain) == [("amount_due", Decimal("40.00")), ("contribution", Decimal("40.00"))]
    assert levels(result, plain) == [("critical_illness_deductible", Decimal("2023.00"))]

    assert main(["diff", OLD, NEW, "--roll", str(roll), "--format", "markdown"]) == 0
    md = capsys.readouterr().out
    assert ("Money paid and received over the roll: `amount_due` +40.00 yuan; `contribution` +40.00 yuan. "
            "Thresholds and limits are not added up across people") in md
    assert "| `critical_illness_deductible` | 大病保险起付线 | 2 | +2 / -0 | +2023.00 yuan each |" in md
    assert "4046" not in md
