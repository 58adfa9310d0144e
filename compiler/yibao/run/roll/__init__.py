"""Rolls of people: files (JSONL, CSV and Parquet in and out), facts (a roll's columns decoded),
results (columns out), batch (the columnar route), dask (a partitioned roll on a cluster)."""
