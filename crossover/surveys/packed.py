"""The packed score record (ResponseScore.packed): its one layout, written and read only here.

One little-endian record per scored response: the enrollment id (int32); the int16 sums of the
recoded items, total first, then each subscale in the instrument's order; the recoded answers
(int8) in item order, for reliability. A scale's score is its sum over its item count, the very
double `scoring.score` gives (both are correctly rounded). Used by the submit path
(surveys.store), reports (reports.gather), the evidence board and the migration that backfilled
the copies. Records carry their enrollment id, so the order they are read in does not matter.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from crossover.surveys.scoring import ItemKey, recode

ID_BYTES, SUM_BYTES = 4, 2


@dataclass(frozen=True)
class Records:
    """Records of one wave, sorted by enrollment id."""

    ids: np.ndarray  # int64, ascending
    scores: np.ndarray  # respondents × scales (total first), means
    items: np.ndarray | None  # respondents × items, recoded answers; None when only heads were read


@dataclass(frozen=True)
class RecordLayout:
    """The packed layout of one instrument's scale."""

    items: tuple[ItemKey, ...]
    subscales: tuple[str, ...]
    scale_min: int
    scale_max: int

    @classmethod
    def of(cls, instrument) -> "RecordLayout":
        """From an Instrument (or anything with items, subscales, scale_min and scale_max)."""
        return cls(
            tuple(ItemKey(i.key, i.subscale, i.reverse) for i in instrument.items),
            tuple(instrument.subscales),
            instrument.scale_min,
            instrument.scale_max,
        )

    @property
    def scales(self) -> list[str]:
        return ["total", *self.subscales]

    @cached_property
    def counts(self) -> np.ndarray:
        """Items per scale, in record order (the divisor of each sum)."""
        return np.array(
            [
                len(self.items),
                *(sum(1 for i in self.items if i.subscale == s) for s in self.subscales),
            ],
            dtype=float,
        )

    @cached_property
    def dtype(self) -> np.dtype:
        return np.dtype(
            [
                ("enrollment_id", "<i4"),
                ("sums", "<i2", (len(self.scales),)),
                ("items", "i1", (len(self.items),)),
            ]
        )

    @property
    def head(self) -> int:
        """Bytes of the id and the sums: all a reader of scores alone needs."""
        return ID_BYTES + SUM_BYTES * len(self.scales)

    def pack(
        self, enrollment_id: int, answers: dict[str, int], sums: dict[str, tuple[int, int]]
    ) -> bytes:
        """The record of one complete response, from its answers and its `scoring.scale_sums`."""
        record = np.zeros(1, dtype=self.dtype)
        record["enrollment_id"] = enrollment_id
        record["sums"] = [sums[name][0] for name in self.scales]
        record["items"] = [
            recode(answers[i.key], self.scale_min, self.scale_max, i.reverse) for i in self.items
        ]
        return record.tobytes()

    def unpack(self, blob: bytes, record_bytes: int | None = None) -> Records:
        """Records concatenated in any order; a short `record_bytes` reads the heads only."""
        full = record_bytes is None or record_bytes >= self.dtype.itemsize
        dtype = self.dtype if full else self._head_dtype(record_bytes)
        records = np.frombuffer(blob, dtype=dtype)
        # argsort of the id column, then one gather: sorting the structured records themselves
        # (np.sort with order=) compares field by field and costs several times more.
        records = records[np.argsort(records["enrollment_id"], kind="stable")]
        return Records(
            records["enrollment_id"].astype(np.int64),
            records["sums"] / self.counts,
            records["items"].astype(np.int64) if full else None,
        )

    def _head_dtype(self, record_bytes: int) -> np.dtype:
        fields = [("enrollment_id", "<i4"), ("sums", "<i2", (len(self.scales),))]
        if record_bytes > self.head:
            fields.append(("rest", f"V{record_bytes - self.head}"))
        return np.dtype(fields)
