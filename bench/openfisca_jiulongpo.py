"""OpenFisca yardstick for 九龙坡医保发〔2023〕46号 (coverage year 2024).

The same four decisions as bench/handwritten.py, written the OpenFisca way: a TaxBenefitSystem
with one Person entity, money standards as parameters, and vectorised variable formulas evaluated
for every case at once. run(columns) takes bench.cases.columns() output.

Needs openfisca-core (tested with 46.0.1 on numpy 2.4.6). OpenFisca money is float32; run()
rounds it to int64 fen so it compares exactly with the integer yardstick.
"""

from datetime import date

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.indexed_enums import Enum
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import YEAR
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

try:  # imported as bench.openfisca_jiulongpo
    from .identities import IDENTITIES
except ImportError:  # run as a script from bench/
    from identities import IDENTITIES

COVERAGE_YEAR = "2024"

Person = build_entity(key="person", plural="persons", label="参保人", is_person=True)

_D = np.datetime64
WINDOW_OPENS = _D("2023-10-12")  # 集中参保缴费期 starts
STUDENT_TRANSITION = _D("2023-09-01")  # 2023 年 9 月至 2024 年学年度 students
CONCENTRATED_ENDS = _D("2023-12-31")
EARLY_YEAR_ENDS = _D("2024-02-29")
NO_FISCAL_SUBSIDY_AFTER = _D("2024-06-30")
RESIDENT_CLOSES = _D("2024-09-30")
YEAR_STARTS, YEAR_ENDS = _D("2024-01-01"), _D("2024-12-31")
NAT = _D("NaT", "D")


def _p(value):
    return {"values": {"2024-01-01": {"value": value}}}


# Yuan. The attachment table: (tier 1, tier 2); identities it does not list are absent (0).
_ASSISTANCE = {
    "dibao": (342, 380), "destitute": (380, 380), "orphan": (380, 380),
    "veteran_care": (380, 380), "demobilized_veteran": (0, 755), "martyr_family": (0, 755),
    "severe_disability": (380, 380), "family_planning_reward": (304, 304),
    "family_planning_special": (380, 380), "family_planning_complication": (380, 380),
    "infertile_couple": (380, 380), "needy_student": (245, 350), "low_income_elderly": (224, 224),
    "dibao_marginal": (266, 380), "relapsed_poverty": (266, 380),
    "unstable_poverty_exit": (266, 380), "poverty_risk": (266, 380), "sudden_hardship": (266, 380),
}
PARAMETERS = {
    "standard": {  # 二（一）个人缴费标准
        "resident": {"tier_1": _p(380), "tier_2": _p(755)},
        "student": {"tier_1": _p(350), "tier_2": _p(725)},
    },
    "fiscal_subsidy": _p(670),  # 按 2024 年补助标准执行
    "assistance": {code: {"tier_1": _p(t1), "tier_2": _p(t2)}
                   for code, (t1, t2) in _ASSISTANCE.items()},
    "newborn_days": _p(90),
    "waiting_days": _p(91),  # "90 日后": paid on D, covered from D+91
}


class Group(Enum):
    resident = "普通城乡居民"
    student = "在渝高校大学生"
    newborn = "新生儿"


class group(Variable):
    value_type = Enum
    possible_values = Group
    default_value = Group.resident
    entity = Person
    definition_period = YEAR
    label = "参保人群"


class tier(Variable):
    value_type = int
    default_value = 1
    entity = Person
    definition_period = YEAR
    label = "参保档次 (1 or 2)"


class identities(Variable):
    value_type = int
    entity = Person
    definition_period = YEAR
    label = "资助身份 bitmask, bit i = identities.IDENTITIES[i]"


class payment_date(Variable):
    value_type = date
    entity = Person
    definition_period = YEAR
    label = "完清费用之日"


class birth_date(Variable):
    value_type = date
    entity = Person
    definition_period = YEAR
    label = "出生日期 (meaningful only where has_birth_date)"


class has_birth_date(Variable):
    value_type = bool
    entity = Person
    definition_period = YEAR
    label = "the case gives a birth date"


class freshman(Variable):
    value_type = bool
    entity = Person
    definition_period = YEAR
    label = "新生入学时参保"


class bears_fiscal_subsidy(Variable):
    value_type = bool
    entity = Person
    definition_period = YEAR
    label = "普通城乡居民 paying after 2024-06-30 bear the fiscal part"

    def formula(person, period):
        resident = person("group", period) == Group.resident
        return resident & (person("payment_date", period) > NO_FISCAL_SUBSIDY_AFTER)


class contribution(Variable):
    value_type = float
    entity = Person
    definition_period = YEAR
    label = "个人缴费 before assistance (yuan)"

    def formula(person, period, parameters):
        p = parameters(period)
        tier2 = person("tier", period) == 2
        student = person("group", period) == Group.student
        # Newborns pay the resident standard.
        resident_std = np.where(tier2, p.standard.resident.tier_2, p.standard.resident.tier_1)
        student_std = np.where(tier2, p.standard.student.tier_2, p.standard.student.tier_1)
        own = np.where(student, student_std, resident_std)
        return own + person("bears_fiscal_subsidy", period) * p.fiscal_subsidy


class assistance(Variable):
    value_type = float
    entity = Person
    definition_period = YEAR
    label = "资助金额: best single identity (yuan)"

    def formula(person, period, parameters):
        table = parameters(period).assistance
        mask = person("identities", period)
        tier2 = person("tier", period) == 2
        best = np.zeros(len(mask), dtype=np.float32)
        for bit, code in enumerate(IDENTITIES):
            if code not in table:  # not in the attachment: no assistance
                continue
            amount = np.where(tier2, table[code].tier_2, table[code].tier_1)
            best = np.maximum(best, np.where((mask >> bit) & 1, amount, 0))
        return best


class amount_due(Variable):
    value_type = float
    entity = Person
    definition_period = YEAR
    label = "应缴金额 = max(0, contribution − assistance)"

    def formula(person, period):
        return np.maximum(0, person("contribution", period) - person("assistance", period))


class benefit_start(Variable):
    value_type = date
    entity = Person
    definition_period = YEAR
    label = "待遇享受起始日 (NaT where the notice gives none)"

    def formula(person, period, parameters):
        p = parameters(period)
        paid = person("payment_date", period)
        born = person("birth_date", period)
        g = person("group", period)
        student, resident = g == Group.student, g == Group.resident
        fresh = person("freshman", period)
        newborn = g == Group.newborn
        has_birth = person("has_birth_date", period)
        newborn_in_time = newborn & has_birth & (paid - born <= np.timedelta64(int(p.newborn_days), "D"))
        next_month = (paid.astype("datetime64[M]") + 1).astype("datetime64[D]")
        waited = paid + np.timedelta64(int(p.waiting_days), "D")
        student_by_year_end = student & (paid <= CONCENTRATED_ENDS)
        start = np.select(
            [
                student_by_year_end & fresh,
                student_by_year_end & (paid >= WINDOW_OPENS),
                student_by_year_end & (paid >= STUDENT_TRANSITION),
                paid < WINDOW_OPENS,
                paid <= CONCENTRATED_ENDS,
                resident & (paid > RESIDENT_CLOSES),
                newborn & ~has_birth,
                newborn_in_time,
                paid <= EARLY_YEAR_ENDS,
            ],
            [
                paid + np.timedelta64(1, "D"),
                YEAR_STARTS,
                STUDENT_TRANSITION,
                NAT,  # before the concentrated window
                YEAR_STARTS,
                NAT,  # residents' enrolment is closed
                NAT,  # the 90 days cannot be told without a birth date
                born,
                next_month,
            ],
            default=waited,
        )
        return np.where(start > YEAR_ENDS, NAT, start)


class JiulongpoSystem(TaxBenefitSystem):
    def __init__(self):
        super().__init__([Person])
        self.parameters = ParameterNode("", data=PARAMETERS)
        self.add_variables(
            group, tier, identities, payment_date, birth_date, has_birth_date, freshman,
            bears_fiscal_subsidy, contribution, assistance, amount_due, benefit_start,
        )


_SYSTEM = None


def system():
    """The TaxBenefitSystem, built once."""
    global _SYSTEM
    if _SYSTEM is None:
        _SYSTEM = JiulongpoSystem()
    return _SYSTEM


def _fen(yuan):
    return np.rint(np.asarray(yuan, dtype=np.float64) * 100).astype(np.int64)


def run(columns):
    """All four decisions for every case at once.

    Returns int64 fen arrays for contribution, assistance and amount_due, and a datetime64[D]
    benefit_start with NaT where the notice gives none.
    """
    n = len(columns["tier"])
    sim = SimulationBuilder().build_default_simulation(system(), count=n)
    birth = columns["birth_date"]
    has_birth = ~np.isnat(birth)
    inputs = {
        "group": columns["group"].astype(np.int16),  # Enum index, GROUPS order
        "tier": columns["tier"].astype(np.int32),
        "identities": columns["identities"].astype(np.int32),  # 19 bits fit
        "payment_date": columns["payment_date"],
        "birth_date": np.where(has_birth, birth, columns["payment_date"]),
        "has_birth_date": has_birth,
        "freshman": columns["freshman"],
    }
    for name, values in inputs.items():
        sim.set_input(name, COVERAGE_YEAR, values)
    out = {name: _fen(sim.calculate(name, COVERAGE_YEAR))
           for name in ("contribution", "assistance", "amount_due")}
    out["benefit_start"] = np.asarray(sim.calculate("benefit_start", COVERAGE_YEAR),
                                      dtype="datetime64[D]")
    return out
