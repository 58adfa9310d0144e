"""Python names for a policy's names in generated code: never merged by Python's NFKC folding of
identifiers, never a keyword, never shadowing the runtime, the JSON reader or the module's interface.
"""
from __future__ import annotations

import builtins
import keyword
import unicodedata

from ...runtime import bounded, calcmain, fastpath, core as runtime, messages, strict_json


def ident(prefix: str, name: str, _index: int = 0) -> str:
    """The generated module's private identifier for a policy name: prefix + name where Python keeps
    that name exactly as written (an identifier already in NFKC form: Python folds `Ａ` into `A`),
    else the prefix with its `_` turned into `x` and the name's UTF-8 in hex. Distinct names give
    distinct identifiers (the prefix ends in `_`, an escape puts `x` there), for any Unicode name.
    (`_index` is ignored: the name alone decides, so no two schemes can meet.)"""
    assert prefix.endswith("_") and prefix.isascii()
    cand = prefix + name
    if cand.isidentifier() and unicodedata.normalize("NFKC", cand) == cand:
        return cand
    return prefix[:-1] + "x" + name.encode("utf-8").hex()


# Names a public decision function may not take: what the module defines or imports (the runtime,
# the strict JSON reader, the fast line path, the command line, the bounded values, the interface backends.python writes), Python's builtins and keywords.
_INTERFACE = {"DOCUMENT", "TITLE", "COVERAGE_YEAR", "FACTS", "DECISIONS", "CONSTANTS", "FUNCTIONS",
              "evaluate", "evaluate_json", "main", "decode", "annotations", "__all__"}
RESERVED = frozenset().union(vars(runtime), vars(messages), vars(strict_json), vars(fastpath), vars(calcmain), vars(bounded),
                             dir(builtins), _INTERFACE,
                             keyword.kwlist, keyword.softkwlist)


def public_names(decisions) -> dict[str, str]:
    """Decision name → its public function's name in the generated module: the name itself where
    Python allows it (an NFKC-form identifier, no keyword, no leading `_`, nothing the module already
    defines), else that name (NFKC-folded) with `_` added until it is free, else `decision_` and the
    UTF-8 in hex. DECISIONS and FUNCTIONS in the module map the policy's names either way."""
    def usable(n):
        return n.isidentifier() and unicodedata.normalize("NFKC", n) == n and not n.startswith("_") \
            and n not in RESERVED
    out = {n: n for n in decisions if usable(n)}
    taken = set(out)
    for n in decisions:
        if n in out:
            continue
        base = unicodedata.normalize("NFKC", n).strip("_")
        if not (base.isidentifier() and unicodedata.normalize("NFKC", base) == base):
            base = "decision_" + n.encode("utf-8").hex()
        cand = base + "_"
        while cand in taken or cand in RESERVED:
            cand += "_"
        out[n] = cand
        taken.add(cand)
    return {n: out[n] for n in decisions}
