"""Every diagnostic code: its short name, what it means, and the check phase that reports it.

One table for the machine outputs (SARIF rules, JUnit test cases) and the error reference in the docs
(`errors.md`, one section per code, anchored by the code in lower case: `errors/#e401`).
"""
from __future__ import annotations

# The error reference's address; a code's section is HELP_BASE + "#" + code.lower().
HELP_BASE = "https://yibao.readthedocs.io/en/latest/errors/"

# Check phases, in the order they run; a code's phase is given by its hundreds digit.
PHASES = {
    "1": "syntax", "2": "names", "3": "types", "4": "figures and citations",
    "5": "tables and rules", "6": "inheritance", "7": "invariants",
}

# code → (name, title as in the error reference, description)
CODES: dict[str, tuple[str, str, str]] = {
    "E101": ("unexpected-character", "unexpected character",
             "A character the language has no use for here: often a Chinese comma, bracket or curly quote where "
             "the ASCII one is meant."),
    "E102": ("unexpected-end", "the file ends too early",
             "The file ends before a block or declaration is finished; usually a `}` is missing or a quote is not "
             "closed."),
    "E103": ("unexpected-token", "unexpected token",
             "A word or symbol where the grammar expects something else (a misspelt unit, a citation without `§`, "
             "a missing `=`)."),
    "E104": ("duplicate-header-field", "a header field given twice",
             "A field of the notice header is given twice."),
    "E105": ("no-such-date", "a date that does not exist",
             "A date that does not exist on the calendar (2023-02-30)."),
    "E106": ("not-a-whole-number", "a whole number expected",
             "A whole number is needed here (a coverage year, a year of a parameter)."),
    "E107": ("no-notice-header", "declarations without a notice header",
             "A notice policy starts with `notice DOCUMENT { … }`."),
    "E108": ("incomplete-header", "a header field missing",
             "The notice header lacks a required field (title, issuers, issued, coverage, jurisdiction, "
             "implements)."),
    "E109": ("unreadable-file", "a file that cannot be read",
             "A policy or notice text that cannot be read: not UTF-8, too large, or holding NUL."),
    "E110": ("too-deep", "nested too deeply",
             "Definitions or expressions nest deeper than the checker allows."),
    "E201": ("unknown-library", "no such library",
             "`use` names a library that no policy file declares."),
    "E202": ("defined-twice", "defined twice",
             "A name is defined twice in one scope."),
    "E203": ("unknown-enumeration", "unknown type",
             "A type names an enumeration that is not declared."),
    "E204": ("unknown-column", "a total of a column that does not exist",
             "A data total names a column the data table does not have."),
    "E205": ("parameter-cycle", "a circle of definitions",
             "A parameter's value for a year is derived from itself."),
    "E206": ("unknown-rule-label", "`overrides` names no rule",
             "`overrides` names a rule label the decision does not have."),
    "E207": ("not-a-member", "not a member / rules overriding in a circle",
             "A name used as a member of an enumeration that does not have it, or rules that override each other "
             "in a circle."),
    "E208": ("two-otherwise", "two `otherwise` rules, or a header date not given",
             "A decision with more than one `otherwise` rule, or a header date the policy reads but the header "
             "does not give."),
    "E209": ("ambiguous-member", "a member name in several enumerations",
             "A bare member name belongs to several enumerations; qualify it."),
    "E210": ("unknown-name", "unknown name",
             "A name that is not defined in the notice, its parents or its libraries."),
    "E211": ("unknown-function", "unknown function",
             "A call to a function the language does not have."),
    "E212": ("given-needs-fact", "`is given` / `with` of something not a fact",
             "`NAME is given` or `with NAME = …` of something that is not a fact of the case."),
    "E213": ("domain-unknown-decision", "a domain names no decision",
             "A domain names a decision the notice does not define."),
    "E214": ("decision-outside-domain", "a decision about what a person pays or gets that no domain names",
             "A person-level decision (interface.md) that no domain names: it would be answered for every payment."),
    "E216": ("look-alike-names", "look-alike names",
             "Two names differ only in look-alike characters (equal under NFKC)."),
    "E220": ("enumeration-redeclared", "an enumeration declared again",
             "An enumeration is already declared by another notice or library."),
    "E221": ("extend-unknown-enumeration", "`extend enum` of nothing",
             "`extend enum` names an enumeration that is not in scope."),
    "E222": ("member-redeclared", "an extension changes a member's code",
             "An extension gives a member the enumeration already has another code."),
    "E223": ("member-code-reused", "an extension reuses a name, code or label",
             "An extension's new member reuses the code or spelling of another."),
    "E301": ("type-mismatch", "type mismatch",
             "A value of one type where another is needed."),
    "E302": ("fact-default-not-literal", "depends on the case where it must not",
             "A value that depends on the case where it must not (a fact's default is written out: a number, date, "
             "member or set)."),
    "E303": ("rules-need-type", "a definition by rules without a type",
             "A definition by rules must declare its type."),
    "E304": ("table-key-type", "a table key that is not an enumeration",
             "A table is keyed by enumerations or sets of them."),
    "E305": ("needs-unit", "a number without its unit",
             "A number that needs a unit (元, %, days, months)."),
    "E306": ("not-whole-fen", "money below the fen",
             "An amount of money that is not a whole number of fen."),
    "E307": ("parameter-needs-year", "a parameter without its year, or a data table as a value",
             "A parameter has a value per year: index it, `name[year]`; a data table is not a value."),
    "E308": ("not-an-enumeration-member", "a set holding a non-member",
             "A set or comparison names something that is not a member."),
    "E309": ("bad-argument", "wrong number of arguments",
             "A function called with the wrong number or kind of arguments."),
    "E310": ("mixed-kinds", "`max`/`min` of mixed values",
             "max/min need values of one ordered kind."),
    "E311": ("with-outside-invariant", "`with` outside an invariant",
             "`with` changes a fact of the case: it is for invariants only."),
    "E313": ("bad-unknown-bound", "a bad bound on an unknown",
             "A bound on an unknown of a type that has no order or of the wrong type."),
    "E314": ("constraint-reads-definition", "a constraint that reads more than facts",
             "A constraint compares facts only, not definitions."),
    "E315": ("unrounded-division", "a division that is not rounded",
             "Money divided must be rounded as the notice says (`round … to 元 half up`), unless it divides exactly."),
    "E316": ("division-by-zero", "a division by zero",
             "A division whose divisor is the constant 0."),
    "E317": ("dates-out-of-order", "dates out of order",
             "age(birth, on) and months_between(a, b) need the first date on or before the second."),
    "E401": ("printed-figure", "a printed figure differs",
             "A `printed` figure (or a printed total) that the value does not reproduce."),
    "E402": ("no-citation", "no citation",
             "A definition, rule or row without a citation."),
    "E403": ("quote-not-in-notice", "a quote not in the notice's text",
             "A quote that is not in the text of the notice it cites."),
    "E404": ("printed-needs-constant", "a printed figure on a value that depends on the case",
             "A printed figure needs a value that does not depend on the case."),
    "E501": ("table-gap", "a table leaves a case undecided",
             "A table decides nothing for some combination of keys."),
    "E502": ("table-overlap", "rows of a `hit unique` table overlap",
             "Two rows of a `hit unique` table both apply."),
    "E503": ("rules-disagree", "wrong number of cells, or rules that disagree",
             "Two rules at the same level both apply to a case and disagree (or a row has the wrong number of "
             "values)."),
    "E601": ("override-missing", "an inherited name redefined without `override`",
             "An inherited value is changed without `override`."),
    "E602": ("override-nothing", "`override` of nothing",
             "`override` of a name no implemented notice defines."),
    "E603": ("extend-needs-rules", "`extend` of something that is not a decision by rules",
             "`extend` needs an inherited decision defined by rules."),
    "E604": ("unknown-parent", "implements a notice that is not encoded",
             "The notice implements a notice that is not encoded here, or that has errors."),
    "E605": ("implements-cycle", "notices implementing each other in a circle",
             "Notices implement each other in a circle."),
    "E606": ("declared-twice", "a document number declared twice",
             "A document number or library name is declared by two policy files."),
    "E611": ("not-a-parent", "`DOC.name` of a notice not implemented",
             "A qualified reference names a notice this one does not implement."),
    "E612": ("parent-lacks-name", "`DOC.name` that DOC does not define",
             "A qualified reference names something the notice does not define."),
    "E613": ("advanced-years-mismatch", "carried forward by the wrong number of years",
             "`implements DOC advanced N years` where DOC's coverage year plus N is not this notice's."),
    "E701": ("invariant-fails", "an invariant fails",
             "An invariant fails; the smallest counterexample case is printed."),
    "W320": ("months-from-day-after", "months counted from the day after a date",
             "`(day after D) + N months`: a day early at a month's end; the Civil Code counts from D itself."),
    "W401": ("text-missing", "the notice's text is missing",
             "The cited notice's text is not in the repository, so the quote is not verified."),
    "W402": ("figure-not-in-quote", "a figure its quote does not state",
             "A figure, rate, date or period that is not in its own quote (unless `derived`)."),
    "W403": ("quote-spans-clauses", "a quote spanning two clauses",
             "A quote that crosses numbered items or table rows of the notice."),
    "W405": ("quote-states-opposite", "a quote that states the opposite rule",
             "A rule that grants (a benefit, its dates, no part to bear) citing words that deny it (不再享受, 不予)."),
    "W501": ("rule-never-used", "a rule never used",
             "A rule no case reaches."),
    "W502": ("date-gap", "a gap between date ranges",
             "A decision by date ranges leaves a day undecided between its boundaries."),
    "W610": ("inherited-words-stale", "an inherited dated declaration",
             "An inherited declaration states something of another coverage year."),
    "W611": ("left-to-restate", "a TODO left to restate",
             "A draft's TODO: something left to restate for the new notice."),
    "I610": ("carried-forward", "dates carried forward",
             "A notice that carries its parent forward (`implements DOC advanced N years`, cited): the dates it moved."),
    "W702": ("invariant-untried", "an invariant tried on no case",
             "An invariant could be tried on no case: every case needs an unknown."),
}


def name(code: str) -> str:
    return CODES[code][0] if code in CODES else "diagnostic"


def title(code: str) -> str:
    return CODES[code][1] if code in CODES else code


def description(code: str) -> str:
    return CODES[code][2] if code in CODES else f"yibao check finding {code}."


def phase(code: str) -> str:
    return PHASES.get(code[1:2], "other")


def help_uri(code: str) -> str:
    return HELP_BASE + "#" + code.lower()
