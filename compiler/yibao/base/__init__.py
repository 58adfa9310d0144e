"""What every stage shares: source files and spans (with their size limit), diagnostics and the
code of each, exit codes, and the private on-disk cache. Imports nothing else of yibao."""
