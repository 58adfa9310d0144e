"""Chinese labels from the policy beside the codes: the drafters read 大学生, the scripts read student."""
from __future__ import annotations

from ..ir import nodes as ir

# pseudo-decisions the comparison derives from two decisions
DERIVED = {"benefit_days": "待遇享受天数"}  # benefit_end − benefit_start + 1


class Labels:
    """Labels from the new notice first, then the old (a code only the old knows keeps its label)."""

    def __init__(self, *programs: ir.Program):
        self._enum_of: dict[str, str] = {}  # fact or decision name → enum name
        self._names: dict[tuple[str, object], str] = {}  # (enum, code) → member name
        self._desc: dict[str, str] = dict(DERIVED)
        for p in reversed(programs):
            for e in p.enums.values():
                for name, code, _ in e.members:
                    self._names[(e.name, code)] = name
            for n, f in p.facts.items():
                if isinstance(f.type, tuple):
                    self._enum_of[n] = f.type[1]
            for d in p.definitions.values():
                if d.exported:
                    if isinstance(d.type, tuple):
                        self._enum_of[d.name] = d.type[1]
                    if d.description:
                        self._desc[d.name] = d.description

    def code(self, field: str, code) -> str:
        """`resident 普通城乡居民`; the code alone where the policy has no label for it."""
        if code is None:
            return "—"
        name = self._names.get((self._enum_of.get(field), code))
        return f"{code} {name}" if name and name != str(code) else str(code)

    def codes(self, field: str, codes) -> str:
        """A set of codes (identities): `none 无` when empty."""
        if not codes:
            return "none 无"
        return " + ".join(self.code(field, c) for c in sorted(codes))

    def decision(self, name: str) -> str:
        desc = self._desc.get(name)
        return f"{name} {desc}" if desc else name

    def value(self, field: str, text: str) -> str:
        """A decision's shown value with its label where it is a code (`late 中途缴费`)."""
        if field in self._enum_of and text not in ("undecided", None):
            return self.code(field, text)
        return text
