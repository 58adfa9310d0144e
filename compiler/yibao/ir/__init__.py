"""The checked program and what it means: its nodes, the one dispatch over them (walk), the
reference interpreter, and the notions every later stage reads (kinds: output kinds, the fact
spec, values as JSON)."""
