"""`yibao test [FILE.yaml ...]`: the conformance cases run as data, outside pytest (issue 22).

Exit 0 when every case passes, 1 when one fails (each failure shows its case, decision, expected,
got and source clause), 2 when a case file is bad (its line named). tests/test_wheel.py runs it
from an installed wheel."""
from __future__ import annotations

import pytest
import yaml

from conftest import POLICIES, ROOT
from yibao.cli import main

JLP = "九龙坡医保发〔2023〕46号"
CASES = ROOT / "conformance" / "cases"


def run(capsys, *argv):
    code = main(["--policies", str(POLICIES), "test", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_shipped_cases_all_pass(capsys):
    code, out, err = run(capsys)
    total = sum(len(yaml.safe_load(p.read_text(encoding="utf-8"))["cases"]) for p in CASES.glob("*.yaml"))
    files = len(list(CASES.glob("*.yaml")))
    assert (code, err) == (0, "")
    assert out == f"yibao test: {total} cases in {files} files: {total} passed, 0 failed\n"


def test_a_wrong_expectation_fails_with_its_case_decision_expected_got_and_clause(capsys, tmp_path):
    text = (CASES / f"{JLP}.yaml").read_text(encoding="utf-8")
    first = text.index('assistance: "342.00"')
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(text[:first] + 'assistance: "343.00"' + text[first + len('assistance: "342.00"'):],
                     encoding="utf-8")
    code, out, err = run(capsys, wrong)
    assert (code, err) == (1, "")
    line = text[:text.rindex("  - name:", 0, first)].count("\n") + 1  # the line the case starts on
    assert out.splitlines()[:5] == [
        f"FAIL {wrong}:{line}: case 1 of {JLP}: A 城乡低保对象 (dibao) resident in tier 1 paying on 2023-10-20 "
        "gets 342.00 of assistance and owes 38.00.",
        "  decision: assistance",
        "  expected: 343.00",
        "  got:      342.00",
        f"  source:   {JLP} 附件: 「城乡低保对象1档90%（342元）区民政局2档按一档全额资助（380元）」"]
    n = len(yaml.safe_load(text)["cases"])
    assert out.splitlines()[-1] == f"yibao test: {n} cases in 1 file: {n - 1} passed, 1 failed"


def test_an_unknown_that_is_known_and_a_named_value_fail_too(capsys, tmp_path):
    f = tmp_path / "mine.yaml"
    f.write_text(yaml.safe_dump({"notice": JLP, "cases": [
        {"name": "The tier-1 contribution is known, not unknown (planted).", "input": {"tier": 1,
         "payment_date": "2023-10-20"}, "unknown": ["contribution"], "source": {
             "document": JLP, "clause": "附件", "quote": "城乡低保对象1档90%（342元）"}},
        {"name": "The coverage year is 2025 (planted: it is 2024).", "values": {"notice.coverage": "2025"},
         "source": {"document": JLP, "clause": "附件", "quote": "城乡低保对象1档90%（342元）"}}]},
        allow_unicode=True), encoding="utf-8")
    code, out, _ = run(capsys, f)
    assert code == 1
    assert "  decision: contribution\n  expected: undecidable\n  got:      380.00\n" in out
    assert "  decision: notice.coverage\n  expected: 2025\n" in out and "2024" in out
    assert out.splitlines()[-1] == "yibao test: 2 cases in 1 file: 0 passed, 2 failed"


@pytest.mark.parametrize("text,where", [
    ('notice: "x"\ncases:\n  - name: [unclosed\n', ":4:1: not YAML: expected ',' or ']'"),
    ('notice: "x"\ncases:\n  - name: "a case named by a sentence"\n    input: {tier: 1}\n'
     '    expected: {amount_due: 38}\n    source: {document: d, clause: c, quote: a quote}\n',
     ":5: cases[0].expected.amount_due: 38 is not of type 'string'"),
    ('notice: "x"\n', ":1: the file: 'cases' is a required property"),
])
def test_a_bad_case_file_is_named_with_its_line_exit_2(capsys, tmp_path, text, where):
    f = tmp_path / "bad.yaml"
    f.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, f)
    assert (code, out) == (2, "")
    assert err.startswith(f"yibao: {f}{where}") and "Traceback" not in err


def test_an_unknown_notice_or_file_is_bad_input(capsys, tmp_path):
    f = tmp_path / "other.yaml"
    f.write_text((CASES / f"{JLP}.yaml").read_text(encoding="utf-8").replace(
        f'notice: "{JLP}"', 'notice: "九龙坡医保发〔2099〕46号"'), encoding="utf-8")
    code, _, err = run(capsys, f)
    assert code == 2 and f"{f}: no policy for notice 九龙坡医保发〔2099〕46号" in err and JLP in err
    code, _, err = run(capsys, tmp_path / "none.yaml")
    assert code == 2 and "cannot read" in err


def test_help_shows_examples(capsys):
    with pytest.raises(SystemExit):
        main(["test", "--help"])
    out = capsys.readouterr().out
    assert "usage: yibao test [-h] [FILE.yaml ...]" in out
    assert "examples:\n  yibao test " in out and "exit codes: 0" in out
