"""The one message catalogue: every message a case can get, in English and in Chinese, by key.

Standard library only, and data first: `yibao compile` copies this file into every standalone Python
calculator, and the JavaScript generator writes MESSAGES into every JavaScript calculator and page
as JSON (runtime.js renders it with the same rules as `say` here), so the CLI, the calculators, the
page and the Web API cannot drift apart. A template's `{name}` is filled from the message's
arguments: a list is joined (", " or "、"), `type` is a JSON type's word, and `close` (the closest
names, from `close_names`) becomes the "did you mean" hint.
"""
from __future__ import annotations

import os as _os
import re as _re

LANGS = ("zh", "en")

MESSAGES = {
    # ---- bad input (exit code 2) ----
    "field": {"en": "field `{field}`: ", "zh": "字段 `{field}`："},
    "malformed_json": {"en": "malformed JSON: {detail}", "zh": "JSON 格式错误：{detail}"},
    "not_object": {"en": "a case is a JSON object, got {type}", "zh": "一个案例应是 JSON 对象，收到的是{type}"},
    "unknown_field": {"en": "unknown field{hint}; the fields are {fields}",
                      "zh": "没有这个字段{hint}；可用的字段是 {fields}"},
    "money_type": {"en": "expected money (a number or a string like \"342.00\"), got {type}",
                   "zh": "应为金额（数字或 \"342.00\" 这样的字符串），收到的是{type}"},
    "money_text": {"en": "{value} is not an amount of money in yuan: digits 0-9, at most two decimals, not negative",
                   "zh": "{value} 不是以元为单位的金额：只能用数字 0-9，最多两位小数，不能为负"},
    "money_range": {"en": "{value} is not an amount of money from 0 to less than 10^15 yuan",
                    "zh": "{value} 不是 0 到 10^15 元（不含）之间的金额"},
    "money_fen": {"en": "{value} is not an amount of money in yuan with at most two decimals",
                  "zh": "{value} 不是最多两位小数的元金额"},
    "int_type": {"en": "expected a whole number, got {value}", "zh": "应为整数，收到的是 {value}"},
    "int_min": {"en": "expected a whole number ≥ {minimum}, got {value}", "zh": "应为不小于 {minimum} 的整数，收到的是 {value}"},
    "int_max": {"en": "{value} is more than {maximum}, the largest whole number a case may give",
                "zh": "{value} 超过了案例可给的最大整数 {maximum}"},
    "bool": {"en": "expected true or false, got {value}", "zh": "应为 true 或 false，收到的是 {value}"},
    "date_text": {"en": "expected a date YYYY-MM-DD, got {value}", "zh": "应为 YYYY-MM-DD 格式的日期，收到的是 {value}"},
    "date_day": {"en": "{value} is not a day that exists", "zh": "{value} 不是存在的日期"},
    "enum": {"en": "{value} is not one of {codes}{hint}", "zh": "{value} 不是 {codes} 之一{hint}"},
    "set_type": {"en": "expected a list of codes, got {type}", "zh": "应为代码列表，收到的是{type}"},
    "set_item": {"en": "{value} is not a known code{hint}; the codes are {codes}",
                 "zh": "{value} 不是已知的代码{hint}；可用的代码是 {codes}"},
    "id": {"en": "expected a string or a whole number of at most {maximum}, got {value}",
           "zh": "应为字符串或绝对值不超过 {maximum} 的整数，收到的是 {value}"},
    "contradiction": {"en": "{because}", "zh": "填写的情况相互矛盾：{because}"},
    "unknown_decision": {"en": "`{name}` is not a decision of the interface{hint}; the decisions are {names}",
                         "zh": "`{name}` 不是接口中的决定{hint}；可用的决定是 {names}"},
    "unknown_command": {"en": "no command `{name}`{hint}; the commands are {names}",
                        "zh": "没有 `{name}` 这个命令{hint}；可用的命令是 {names}"},
    # ---- undecidable (exit code 3) ----
    "not_stated": {"en": "{document} does not state `{name}`; it states {names}",
                   "zh": "{document} 没有规定 `{name}`；它规定的是 {names}"},
    "missing": {"en": "needs `{fact}`, which the case does not give", "zh": "需要 `{fact}`，案例没有给出"},
    "unknown": {"en": "needs {what}: unknown", "zh": "通知未规定：需要 {what}"},
    "outside": {"en": "{because}", "zh": "本通知不适用：{because}"},
    "no_rule": {"en": "no rule of `{name}` applies to this case{where}", "zh": "`{name}` 没有适用于此案例的规则{where}"},
    "date_range": {"en": "needs a date outside 0001-01-01 … 9999-12-31, the days a date can name",
                   "zh": "需要 0001-01-01 … 9999-12-31 之外的日期，日期无法表示"},
    "division_by_zero": {"en": "a division by zero", "zh": "除数为零"},
    "age_before_birth": {"en": "an age on a day before the birth", "zh": "要计算出生之前某天的年龄"},
    "months_backwards": {"en": "months from a later day to an earlier one", "zh": "要计算从较晚日期到较早日期的月数"},
    "text": {"en": "{text}", "zh": "{text}"},  # words that come as they are (a policy's own)
}

# the words for a JSON value's type, and the pieces the rules above add
TYPES = {"en": {"boolean": "a boolean", "number": "a number", "string": "a string", "list": "a list",
                "object": "an object", "null": "null"},
         "zh": {"boolean": "布尔值", "number": "数字", "string": "字符串", "list": "列表", "object": "对象",
                "null": "null"}}
HINT = {"en": " (did you mean {close}?)", "zh": "（是否想写 {close}？）"}
SEPARATOR = {"en": ", ", "zh": "、"}
OR = {"en": " or ", "zh": " 或 "}

# the decisions the interface names (interface.md): a name outside them is bad input, not undecidable
INTERFACE_DECISIONS = (
    "payment_window", "contribution", "self_borne_fiscal_subsidy", "assistance", "amount_due", "benefit_start",
    "benefit_end", "fiscal_subsidy_standard", "critical_illness_deductible", "critical_illness_limit_increase",
    "outpatient_limit", "prenatal_exam_limit", "natural_delivery_subsidy", "cesarean_benefit")

_SLOT = _re.compile(r"\{(\w+)\}")


def say(key: str, lang: str = "en", args: dict | None = None) -> str:
    """A message in a language (zh or en; anything else is en) with its arguments filled in."""
    lang = lang if lang in LANGS else "en"
    args = args or {}

    def slot(m):
        name = m.group(1)
        if name == "hint":
            close = args.get("close") or []
            return HINT[lang].replace("{close}", OR[lang].join(f"`{c}`" for c in close)) if close else ""
        value = args.get(name, "")
        if name == "type":
            return TYPES[lang].get(value, value)
        if isinstance(value, (list, tuple)):
            return SEPARATOR[lang].join(map(str, value))
        return str(value)
    return _SLOT.sub(slot, MESSAGES[key][lang])


def close_names(name, candidates, most: int = 3) -> list:
    """The candidates nearest a misspelt name (edit distance at most a third of the name, or the name
    begins them), nearest first: the one "did you mean" of every front end (runtime.js: closeNames)."""
    if not isinstance(name, str) or not name:
        return []
    low, scored = name.lower(), []
    for i, c in enumerate(candidates):
        if not isinstance(c, str) or c == name:
            continue
        d = _distance(low, c.lower())
        if d <= max(1, len(c) // 3) or (len(low) >= 3 and c.lower().startswith(low)):
            scored.append((d, i, c))
    scored.sort()
    return [c for _, _, c in scored[:most]]


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (insert, delete, substitute), cut short past 60 characters."""
    a, b = a[:60], b[:60]
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[len(b)]


def lang_of_environment(environ=None) -> str:
    """The locale's language: zh where LC_ALL, LC_MESSAGES or LANG (the first set) begins `zh`, else en."""
    environ = _os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def error_entry(where: str, exc, lang: str = "en", ident=None) -> dict:
    """A case's error line, as every front end writes it: the case's id (where it has one), `error`
    (where: field: message, the line standard error gets), `exit`, and apart `code` (bad_input |
    undecidable), `field` and `message`, the members of a Web API error. `exc` is a CaseError, an
    Undecidable or a JSONError, told by class name: a generated calculator carries its own copies."""
    kinds = {c.__name__ for c in type(exc).__mro__}
    if "CaseError" in kinds:
        message, line, code, field = exc.text(lang), exc.line(lang), "bad_input", exc.field
    elif "Undecidable" in kinds:
        message, code = exc.text(lang), "undecidable"
        field = getattr(exc, "fact", None) or getattr(exc, "field", None)  # a missing fact, or `decision`
        line = message
    else:
        message = line = say("malformed_json", lang, {"detail": str(exc)})
        code, field = "bad_input", None
    out = {"id": ident} if ident is not None else {}
    out.update(error=f"{where}: {line}" if where else line, exit=2 if code == "bad_input" else 3,
               code=code, field=field or None, message=message)
    return out
