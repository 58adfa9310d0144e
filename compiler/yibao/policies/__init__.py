"""The driver: finding a directory's policies without parsing them (index), checking them into
programs (directory), calculators and check results from the cache (warm, warm_columnar, checked),
reports, re-homing a child's diagnostics at its own lines (rehome), and the catalogue of notices."""
