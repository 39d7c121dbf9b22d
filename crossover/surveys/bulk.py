"""Group-wise concatenation in SQL, parsed at C speed: how reports and the board read many rows."""

from collections.abc import Sequence

import numpy as np
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by

from crossover.extensions import db


def _postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def aligned_lists(key, *columns) -> list:
    """Aggregates listing `key` and each column over a group (',' between values), aligned.

    The lists of one result row line up: SQLite steps every aggregate of a query over the
    group's rows in one pass; PostgreSQL computes each apart, so each is ordered by `key`, which
    must be unique within the group (an id). The order itself is unspecified: sort by the key.
    """
    if _postgresql():
        return [
            sa.func.string_agg(
                sa.cast(column, sa.Text), aggregate_order_by(sa.literal_column("','"), key)
            )
            for column in (key, *columns)
        ]
    return [sa.func.group_concat(column, ",") for column in (key, *columns)]


def listed_together(*columns) -> list:
    """Aggregates listing the columns over a group so that a row's values stay together; read
    them back with split_together.

    SQLite steps every aggregate of a query over the group's rows in one pass: one list per
    column lines up (and costs less than building one string per row: 87 ms against 149 for
    100,000 pairs). PostgreSQL computes each aggregate apart: one list of every row's values in
    turn keeps them together without ordering each list (an ordered list sorts the group once
    per list: 105 ms against 55 for a vacuumed 100,000-row roster). Every value must be
    non-null (a NULL would drop its value or its row) and print without ','.
    """
    if not _postgresql():
        return [sa.func.group_concat(column, ",") for column in columns]
    joined = sa.cast(columns[0], sa.Text)
    for column in columns[1:]:
        joined = joined.concat(",").concat(sa.cast(column, sa.Text))
    return [sa.func.string_agg(joined, sa.literal_column("','"))]


def split_together(lists: Sequence[str | None], count: int, dtype=float) -> np.ndarray:
    """What listed_together(…`count` columns) gave, as a rows × count array of `dtype`."""
    parse = split_ints if dtype == np.int64 else split_floats
    if not lists:
        return np.empty((0, count), dtype=dtype)
    if len(lists) == count and not _postgresql():
        return np.column_stack([parse(text) for text in lists])
    return parse(lists[0]).reshape(-1, count)


def concat_bytes(column):
    """An aggregate concatenating a binary column over a group, as hex, in no particular order."""
    if _postgresql():
        return sa.func.string_agg(sa.func.encode(column, "hex"), sa.literal_column("''"))
    return sa.func.group_concat(sa.func.hex(column), "")


def split_ints(text: str | None) -> np.ndarray:
    # numpy's own parser: 100,000 ids in 3 ms, against 25 ms through str.split
    return np.fromstring(text, dtype=np.int64, sep=",") if text else np.empty(0, dtype=np.int64)


def split_floats(text: str | None) -> np.ndarray:
    """Floats listed with ',' between them ('nan' for a missing one)."""
    return np.fromstring(text, dtype=float, sep=",") if text else np.empty(0, dtype=float)


def split_strings(text: str | None) -> np.ndarray:
    return np.array(text.split(","), dtype=object) if text else np.empty(0, dtype=object)
