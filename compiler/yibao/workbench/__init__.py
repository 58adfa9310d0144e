"""Drafters' tools, apart from the compiler: `yibao diff` (what a notice changes, and for whom) and
`yibao new` (next year's draft from this year's notice)."""
