"""Group-wise concatenation in SQL, parsed at C speed: how reports and the board read many rows at once."""
import numpy as np
import sqlalchemy as sa

from crossover.extensions import db


def group_concat(column, order_by, *, binary: bool = False):
    """Concatenate a column over a group (',' between values; hex for binary columns).

    Every such aggregate of one query walks the group's rows in the same order, so the lists
    of one result row line up.
    """
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import aggregate_order_by

        value = sa.func.encode(column, "hex") if binary else sa.cast(column, sa.Text)
        separator = sa.literal_column("''" if binary else "','")
        return sa.func.string_agg(value, aggregate_order_by(separator, order_by))
    return sa.func.group_concat(sa.func.hex(column) if binary else column, "" if binary else ",")


def split_ints(text: str | None) -> np.ndarray:
    return np.array(text.split(","), dtype=np.int64) if text else np.empty(0, dtype=np.int64)


def split_strings(text: str | None) -> np.ndarray:
    return np.array(text.split(","), dtype=object) if text else np.empty(0, dtype=object)
