"""The Python target: a standalone module (standard library only) that `yibao eval` runs in-process
and `yibao compile` writes: generate, its interface, the fused line path, names, and load."""
