"""Cases in, answers out: evaluate (the generated module in-process), explain, the case schema
(cases), named values, and whole rolls (roll/)."""
