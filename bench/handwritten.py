"""Hand-written yardstick calculator for 九龙坡医保发〔2023〕46号 (coverage year 2024).

Implements 渝医保发〔2023〕24号 as refined by the district notice and docs/interpretations.md.
Four decisions worked out in full: contribution, assistance, amount_due (money in integer fen) and
benefit_start; decide_all() adds the notice's other eight (its payment window, the fiscal figures, the
end of benefits, the cesarean benefit and three constants) so that a run writes the twelve decisions
`yibao eval --cases` writes, with the same `id` passed through. Standard library only; run as a CLI it
maps JSONL cases on stdin to JSONL results on stdout:

    python bench/handwritten.py < cases.jsonl > results.jsonl
"""

import json
import sys
from datetime import date, timedelta

try:  # imported as bench.handwritten
    from .identities import BIT, CODE_OF, IDENTITIES
except ImportError:  # run as a script from bench/
    from identities import BIT, CODE_OF, IDENTITIES


class Undecidable(ValueError):
    """The notice leaves this decision open for this case (the decision is left out)."""


class BadInput(ValueError):
    """The case is malformed (CLI exit code 2)."""


# --- 二、筹资标准 / 五（一） --------------------------------------------------------------

# Personal standard by (group, tier), fen. Newborns pay the resident standard.
STANDARD = {
    ("resident", 1): 38000, ("resident", 2): 75500,
    ("newborn", 1): 38000, ("newborn", 2): 75500,
    ("student", 1): 35000, ("student", 2): 72500,
}
FISCAL_SUBSIDY_2024 = 67000  # 按 2024 年补助标准执行: 700 − 30 (渝医保发〔2025〕42号)
NO_FISCAL_SUBSIDY_AFTER = date(2024, 6, 30)  # "2024 年 6 月 30 日后参保缴费的"

# --- 附件: 资助标准 (tier 1, tier 2), fen; identities not listed give nothing -----------------

ASSISTANCE_TABLE = {
    "dibao": (34200, 38000),
    "destitute": (38000, 38000),
    "orphan": (38000, 38000),
    "veteran_care": (38000, 38000),
    "demobilized_veteran": (0, 75500),  # priced for tier 2 only
    "martyr_family": (0, 75500),
    "severe_disability": (38000, 38000),
    "family_planning_reward": (30400, 30400),  # 80% of tier 1 in both tiers
    "family_planning_special": (38000, 38000),
    "family_planning_complication": (38000, 38000),
    "infertile_couple": (38000, 38000),
    "needy_student": (24500, 35000),  # on the student standard
    "low_income_elderly": (22400, 22400),
    "dibao_marginal": (26600, 38000),
    "relapsed_poverty": (26600, 38000),
    "unstable_poverty_exit": (26600, 38000),
    "poverty_risk": (26600, 38000),
    "sudden_hardship": (26600, 38000),
}
# Indexed by tier for the hot path: tier -> {code: fen}.
_ASSIST_BY_TIER = {t: {c: v[t - 1] for c, v in ASSISTANCE_TABLE.items()} for t in (1, 2)}

# --- 四、参保时间 / 五、待遇享受 (as ordinals for fast comparisons) -----------------------------

_WINDOW_OPENS = date(2023, 10, 12).toordinal()  # 集中参保缴费期 starts (printed day of 24号)
_STUDENT_TRANSITION = date(2023, 9, 1)  # "已参加 2023 年 9 月至 2024 年学年度…的大学生"
_CONCENTRATED_ENDS = date(2023, 12, 31).toordinal()
_EARLY_YEAR_ENDS = date(2024, 2, 29).toordinal()
_RESIDENT_CLOSES = date(2024, 9, 30).toordinal()  # "普通城乡居民全年参保截止到 2024 年 9 月 30 日"
_YEAR_STARTS = date(2024, 1, 1)
_YEAR_ENDS = date(2024, 12, 31).toordinal()
_FEB_FIRST, _MAR_FIRST = date(2024, 2, 1), date(2024, 3, 1)
_NEWBORN_DAYS = 90  # "出生后 90 天内"
_WAIT_DAYS = 91  # "完成参保缴费日起 90 日后": paid on D, covered from D+91
_ONE_DAY = timedelta(days=1)


def contribution(group, tier, payment_date):
    """Personal contribution in fen before assistance."""
    fen = STANDARD[group, tier]
    # Only 普通城乡居民 bear the fiscal part; newborns "只缴纳个人应承担的费用", students are spared.
    if group == "resident" and payment_date > NO_FISCAL_SUBSIDY_AFTER:
        fen += FISCAL_SUBSIDY_2024
    return fen


def assistance(tier, identities):
    """Best single assistance in fen (identities do not stack: 就高, 不得重复享受)."""
    row = _ASSIST_BY_TIER[tier]
    return max((row.get(code, 0) for code in identities), default=0)


def amount_due(group, tier, identities, payment_date):
    """What the person pays, in fen: never below zero."""
    return _due(contribution(group, tier, payment_date), assistance(tier, identities))


def _due(contribution_fen, assistance_fen):
    return contribution_fen - assistance_fen if contribution_fen > assistance_fen else 0


def benefit_start(group, payment_date, birth_date=None, freshman=False):
    """First day of 待遇享受; raises Undecidable where the notice gives none."""
    paid = payment_date.toordinal()
    if group == "student" and paid <= _CONCENTRATED_ENDS:
        # 渝医保发〔2023〕24号 二: students paying by 2023-12-31; later they follow the general rules.
        if freshman:  # "新生入学时参加…待遇享受时间为完成缴费的次日至次年 12 月 31 日"
            return payment_date + _ONE_DAY
        if paid >= _WINDOW_OPENS:  # "待遇享受时间为次年 1 月 1 日至 12月 31 日"
            return _YEAR_STARTS
        if payment_date >= _STUDENT_TRANSITION:  # the 2023–2024 school-year transition
            return _STUDENT_TRANSITION
        raise Undecidable("benefit_start: payment before the concentrated window (2023-10-12)")
    if paid < _WINDOW_OPENS:
        raise Undecidable("benefit_start: payment before the concentrated window (2023-10-12)")
    if paid <= _CONCENTRATED_ENDS:  # the concentrated window buys the year from its first day
        return _YEAR_STARTS
    if group == "resident" and paid > _RESIDENT_CLOSES:
        raise Undecidable("benefit_start: residents cannot enrol after 2024-09-30")
    if group == "newborn":
        # "出生后 90 天内…自出生之日": without a birth date the 90 days cannot be told (never guessed).
        if birth_date is None:
            raise Undecidable("benefit_start: needs birth_date")
        if paid <= birth_date.toordinal() + _NEWBORN_DAYS:
            return birth_date
    if paid <= _EARLY_YEAR_ENDS:
        return _FEB_FIRST if payment_date.month == 1 else _MAR_FIRST
    start = paid + _WAIT_DAYS
    if start > _YEAR_ENDS:
        raise Undecidable("benefit_start: the 90-day wait runs past 2024-12-31")
    return date.fromordinal(start)


# --- JSON cases (interface.md) -----------------------------------------------------------

_FIELDS = frozenset((
    "group", "tier", "identities", "payment_date", "birth_date", "continuous", "lapsed_years",
    "continuous_years", "zero_claim_last_year", "freshman", "graduating",
    "employee_insurance_gap_months", "inpatient_reimbursement",
))
_GROUPS = frozenset(("resident", "student", "newborn"))


def _date(case, field):
    value = case.get(field)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadInput(f"{field}: not an ISO date: {value!r}") from None


def _fen_str(fen):
    return f"{fen // 100}.{fen % 100:02d}"


def evaluate(case):
    """Decisions for one decoded JSON case; undecidable ones are left out."""
    if not _FIELDS.issuperset(case):
        raise BadInput(f"unknown field(s): {', '.join(sorted(set(case) - _FIELDS))}")
    group = case.get("group", "resident")
    if group not in _GROUPS:
        raise BadInput(f"group: unknown value {group!r}")
    tier = case.get("tier")
    if tier is not None and (tier.__class__ is not int or tier not in (1, 2)):
        raise BadInput(f"tier: must be 1 or 2, got {tier!r}")
    try:
        codes = [CODE_OF[i] for i in case.get("identities", ())]
    except (KeyError, TypeError) as e:
        raise BadInput(f"identities: unknown identity {e}") from None
    freshman = case.get("freshman", False)
    if freshman.__class__ is not bool:
        raise BadInput("freshman: must be a boolean")
    paid = _date(case, "payment_date")
    born = _date(case, "birth_date")

    out = {}
    if tier is not None:
        assist = assistance(tier, codes)
        if paid is not None:
            contrib = contribution(group, tier, paid)
            out["contribution"] = _fen_str(contrib)
            out["assistance"] = _fen_str(assist)
            out["amount_due"] = _fen_str(_due(contrib, assist))
        else:
            out["assistance"] = _fen_str(assist)
    if paid is not None:
        try:
            out["benefit_start"] = benefit_start(group, paid, born, freshman).isoformat()
        except Undecidable:
            pass
    return out


# --- every decision the notice states, in its order (what `yibao eval --cases` writes) ------------

_TRANSITION_OPENS = date(2023, 1, 1).toordinal()  # a student's 2023 payments (freshman or school year)
_SUBSIDY_ENDS = NO_FISCAL_SUBSIDY_AFTER.toordinal()
_YEAR_ENDS_TEXT = "2024-12-31"
_CONSTANT_TAIL = {"critical_illness_deductible": "17833.00", "prenatal_exam_limit": "300.00",
                  "natural_delivery_subsidy": "600.00"}
_CESAREAN_FLOOR = 60000
_TIER_TWO_ONLY = frozenset(("martyr_family", "demobilized_veteran"))  # assisted only to join tier 2
_RESIDENTS_IDS = frozenset(IDENTITIES) - {"needy_student", "poverty_exited"}  # the residents' categories


def _cents(text):
    """A money value as JSON gives it ("1234.56", 1234) → fen."""
    if text.__class__ is int and text >= 0:
        return text * 100
    if text.__class__ is str:
        whole, _, part = text.partition(".")
        if whole.isdigit() and len(part) <= 2 and (not part or part.isdigit()):
            return int(whole) * 100 + int(part.ljust(2, "0"))
    raise BadInput(f"inpatient_reimbursement: not an amount: {text!r}")


def decide_all(case):
    """All twelve decisions of the notice for one JSON case, in the notice's order; undecidable ones
    left out (where the notice does not speak: a payment outside the coverage year or before the
    window, a resident after the closing day, a student's school-year payment)."""
    out = {"id": case["id"]} if "id" in case else {}
    rest = {k: v for k, v in case.items() if k != "id"}
    found = evaluate(rest)  # checks the fields; the four decisions
    group = rest.get("group", "resident")
    paid = _date(rest, "payment_date")
    freshman = rest.get("freshman", False)
    in_year = paid is not None
    window = None
    if in_year:
        day = paid.toordinal()
        student_2023 = group == "student" and _TRANSITION_OPENS <= day < _WINDOW_OPENS
        in_year = day <= _YEAR_ENDS and (day >= _WINDOW_OPENS or (student_2023 and freshman))
        if in_year:
            if _WINDOW_OPENS <= day <= _CONCENTRATED_ENDS:
                window = "concentrated"
            elif _CONCENTRATED_ENDS < day <= _EARLY_YEAR_ENDS:
                window = "early_year"
            elif day > _EARLY_YEAR_ENDS:
                window = "closed" if group == "resident" and day > _RESIDENT_CLOSES else "late"
    if window is not None:
        out["payment_window"] = window
    out["fiscal_subsidy_standard"] = _fen_str(FISCAL_SUBSIDY_2024)
    if in_year and window != "closed":
        borne = FISCAL_SUBSIDY_2024 if group == "resident" and paid.toordinal() > _SUBSIDY_ENDS else 0
        out["self_borne_fiscal_subsidy"] = _fen_str(borne)
        codes = {CODE_OF.get(i) for i in rest.get("identities", ())}
        unknown = set()
        if (rest.get("tier") == 1 and codes & _TIER_TWO_ONLY) or (group == "student" and codes & _RESIDENTS_IDS):
            unknown |= {"assistance", "amount_due"}  # the notice prices neither
        if group == "student" and window == "late":
            unknown.add("benefit_start")  # its 90-day wait is said of residents
        for key in ("contribution", "assistance", "amount_due", "benefit_start"):
            if key in found and key not in unknown:
                out[key] = found[key]
        if "benefit_start" in out:
            out["benefit_end"] = _YEAR_ENDS_TEXT
    out.update(_CONSTANT_TAIL)
    if in_year and window != "closed" and "inpatient_reimbursement" in rest:
        out["cesarean_benefit"] = _fen_str(max(_cents(rest["inpatient_reimbursement"]), _CESAREAN_FLOOR))
    return out


def main(stdin=sys.stdin, stdout=sys.stdout):
    """JSONL in, JSONL out; exit 2 on the first malformed line, as the yibao CLI does."""
    write, dumps, loads = stdout.write, json.dumps, json.loads
    for lineno, line in enumerate(stdin, 1):
        if not line.strip():
            continue
        try:
            case = loads(line)
            if not isinstance(case, dict):
                raise BadInput("a case must be a JSON object")
            result = decide_all(case)
        except ValueError as e:  # json.JSONDecodeError and BadInput are ValueErrors
            sys.stderr.write(f"line {lineno}: {e}\n")
            return 2
        write(dumps(result, ensure_ascii=False))
        write("\n")
    return 0


__all__ = ["contribution", "assistance", "amount_due", "benefit_start", "evaluate", "decide_all", "main",
           "IDENTITIES", "BIT", "Undecidable", "BadInput"]

if __name__ == "__main__":
    sys.exit(main())
