"""The NumPy target: the columnar twin of the Python module, for whole rolls: generate, tables,
the few-valued grid and its runtime, and the statement profile."""
