"""A CSV roll's misshapen rows (more or fewer cells than the header has): each is answered in its place
by an error row, and the roll goes on (pyarrow's reader would otherwise stop at the first)."""
from __future__ import annotations


def misshapen_rows(path, found: dict):
    """pyarrow's handler of a CSV row whose cells are not as many as the header's: noted (row index →
    message) and skipped, to come back in its place as an error row."""
    def handle(row):
        if row.number is None:  # (never with one thread) the row cannot be put back in its place
            return "error"
        found[row.number - 2] = (f"{path}: row {row.number - 1}: {row.actual_columns} cells where the "
                                 f"header has {row.expected_columns}: {_cut(row.text)}")
        return "skip"
    return handle


def _cut(text: str, most: int = 60) -> str:
    return text if len(text) <= most else text[:most] + "…"


def with_misshapen(batch, first: int, misshapen: dict, last: bool = False):
    """A batch of good rows read from row `first` on, with the misshapen rows that fall among (or, if
    last, after) them put back in place as rows of nulls: (batch, {row in batch: message})."""
    if not misshapen:
        return batch, {}
    import pyarrow as pa
    take, errors, good, at = [], {}, 0, first
    while good < batch.num_rows or (last and at in misshapen):
        if at in misshapen:
            errors[len(take)] = misshapen.pop(at)
            take.append(None)
        else:
            take.append(good)
            good += 1
        at += 1
    while not last and at in misshapen:  # misshapen rows right after this batch's last good row
        errors[len(take)] = misshapen.pop(at)
        take.append(None)
        at += 1
    if not errors:
        return batch, {}
    return batch.take(pa.array(take, pa.int64())), errors

