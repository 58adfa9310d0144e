"""yibao: Chongqing's resident medical-insurance notices as checked, executable policy."""
__version__ = "0.1.0"
