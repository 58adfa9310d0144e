"""Backends: each turns one checked IR (`yibao.ir.nodes.Program`) into answers.

python: a standalone module (standard library only), the code `yibao eval` runs and `compile` writes;
numpy: the columnar twin for whole rolls; interpreter: the reference walk over the IR that serves
--explain and is the oracle the others are tested against; compiled: the interpreter's interface
answered by the generated module, for the analyses that run many cases.
"""
