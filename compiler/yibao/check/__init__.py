"""Syntax tree → checked IR: the checker (names, declarations, notices' headers), expressions and
their types, rules and tables, enums, inheritance, bounded unknowns, domains, citations against the
notices' texts, look-alike names, limits and stale years."""
