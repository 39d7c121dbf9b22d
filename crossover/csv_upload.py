"""Reading an uploaded CSV (enrolment, roster, engagement): UTF-8, named columns, rows by line.

Every problem is an Invalid naming where it is: `file` for the whole file, `line N` for one
line, in the wording crossover.messages translates for pages.
"""

import csv
import io

from crossover.errors import Invalid


def _text(content: bytes) -> str:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("The file is not UTF-8 text.", {"file": ["Save the CSV as UTF-8."]}) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise Invalid(
            f"Line {line} holds a NUL character.",
            {f"line {line}": ["NUL characters are not allowed."]},
        )
    return text


def read_rows(
    content: bytes, required: set[str], max_rows: int, empty: str
) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: stripped value}) for each row; `empty` says why no row is wrong.

    Refuses a file that is not UTF-8, holds a NUL, lacks a required column, has more than
    `max_rows` rows or none at all.
    """
    reader = csv.DictReader(io.StringIO(_text(content)))
    try:
        header = {h.strip() for h in reader.fieldnames or []}
        if not required <= header:
            raise Invalid(
                "Missing CSV columns.",
                {"file": [f"Missing column(s): {', '.join(sorted(required - header))}."]},
            )
        rows = []
        for row in reader:
            clean = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
            rows.append((reader.line_num, clean))
            if len(rows) > max_rows:
                raise Invalid("Too many rows.", {"file": [f"At most {max_rows} rows per file."]})
    except csv.Error as error:  # a field over csv.field_size_limit() (128 KiB)
        line = reader.line_num + 1  # line_num counts the lines of the records read whole
        raise Invalid(f"Line {line}: {error}.", {f"line {line}": [f"{error}."]}) from None
    if not rows:
        raise Invalid("The file has no rows.", {"file": [empty]})
    return rows
