"""Group-wise concatenation in SQL, parsed at C speed: how reports and the board read many rows."""

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


def interleaved(*columns):
    """One aggregate listing every row's columns in turn, ',' between all values.

    A row's values stay together on every engine with no ordering inside the aggregate
    (PostgreSQL's ordered aggregates of aligned_lists sort each group once per list: 400 ms for
    a 100,000-row roster against 55). Read with split_ints or split_floats, then
    reshape(-1, len(columns)). Every value must be non-null (a NULL would drop its whole row)
    and print without ','.
    """
    joined = sa.cast(columns[0], sa.Text)
    for column in columns[1:]:
        joined = joined.concat(",").concat(sa.cast(column, sa.Text))
    if _postgresql():
        return sa.func.string_agg(joined, sa.literal_column("','"))
    return sa.func.group_concat(joined, ",")


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
