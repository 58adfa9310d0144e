"""What every stage shares: source files and spans (with their size limit), diagnostics and the
code of each, exit codes, and the private on-disk cache. Imports nothing else of yibao."""

# a policy or a notice's text (the largest policy here is ≈14 kB); here, not in source.py, because
# the policy index reads files with it on the warm path of `yibao eval`, which never needs a span
MAX_SOURCE_BYTES = 1_000_000
