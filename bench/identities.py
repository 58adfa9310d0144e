"""Identity codes and their Chinese labels, as listed in shared/design/interface.md.

The tuple order is the interface table's order; bench code uses it as the bit order of the
identity bitmask (bit i <=> IDENTITIES[i]). Standard library only.
"""

IDENTITIES = (
    "destitute",
    "dibao",
    "dibao_marginal",
    "relapsed_poverty",
    "unstable_poverty_exit",
    "poverty_risk",
    "sudden_hardship",
    "poverty_exited",
    "orphan",
    "veteran_care",
    "demobilized_veteran",
    "martyr_family",
    "severe_disability",
    "family_planning_reward",
    "family_planning_special",
    "family_planning_complication",
    "infertile_couple",
    "needy_student",
    "low_income_elderly",
)

BIT = {code: i for i, code in enumerate(IDENTITIES)}

LABELS = {
    "destitute": ("特困人员",),
    "dibao": ("低保对象", "城乡低保对象"),
    "dibao_marginal": ("低保边缘户",),
    "relapsed_poverty": ("返贫致贫人口",),
    "unstable_poverty_exit": ("脱贫不稳定户",),
    "poverty_risk": ("边缘易致贫户",),
    "sudden_hardship": ("突发严重困难户",),
    "poverty_exited": ("脱贫人口",),
    "orphan": ("城乡孤儿和事实无人抚养困境儿童", "城乡孤儿", "事实无人抚养儿童"),
    "veteran_care": ("在乡重点优抚对象（不含1-6级残疾军人）", "在乡重点优抚对象"),
    "demobilized_veteran": ("在乡老复员军人", "在乡复员军人"),
    "martyr_family": ("享受国家定期抚恤三属人员", "烈士遗属", "因公牺牲军人遗属", "病故军人遗属"),
    "severe_disability": ("城乡重度（一、二级）残疾人员", "重度残疾人员"),
    "family_planning_reward": ("计生（奖扶）对象", "计生奖扶对象"),
    "family_planning_special": ("计生特扶对象", "计生特扶对象及其子女", "计生（农村四级残）对象及其子女"),
    "family_planning_complication": ("计生手术并发症对象", "计划生育手术并发症对象"),
    "infertile_couple": ("因各种疾病无生育能力并未收养子女的夫妻",),
    "needy_student": ("家庭经济困难在校大学生",),
    "low_income_elderly": ("低收入老年人",),
}

# Any accepted spelling (code or label) -> code.
CODE_OF = {code: code for code in IDENTITIES}
CODE_OF.update({label: code for code, labels in LABELS.items() for label in labels})
