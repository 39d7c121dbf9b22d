"""Reading an uploaded CSV (enrolment, roster, engagement): named columns, rows by line.

Files come as Japanese offices make them, and the encoding is decided from the bytes, never
guessed: a byte-order mark says UTF-8 or UTF-16 (Excel's 「Unicode テキスト」, tab-separated);
without one, the file is UTF-8 when it decodes as UTF-8, else cp932 (Excel's 「CSV (コンマ区切り)」,
Shift_JIS with Microsoft's extensions) when it decodes as cp932. A file that is neither, or UTF-8
Japanese text with a broken byte, is refused naming the line of the first unreadable byte — never
read as garbled text. Columns are separated by commas, or by tabs when the header row has tabs
and no commas.

Lines starting with "#" before the header row are notes (the template files list the valid codes
there) and are skipped; after the header every line is data. Line numbers count every line of the
file, as a spreadsheet numbers its rows.

Every problem is an Invalid naming where it is: `file` for the whole file, `line N` for one
line, in the wording crossover.web.messages translates for pages.
"""

import codecs
import csv
import io

from crossover.web.errors import Invalid

UNREADABLE = "Unreadable bytes: the line is not UTF-8, Shift_JIS (cp932) or UTF-16 text."
NOTE = "#"
BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _line_of(content: bytes, offset: int, codec: str = "utf-8") -> int:
    """The line (from 1) holding byte `offset` of text in `codec`."""
    newline = "\n".encode(codec)
    return content.count(newline, 0, offset - offset % len(newline)) + 1


def _unreadable(line: int) -> Invalid:
    return Invalid(
        f"Line {line} cannot be read as text.",
        {f"line {line}": [UNREADABLE]},
    )


def _decode(content: bytes) -> str:
    """The text of the file by the rules above, or Invalid naming the first unreadable line."""
    for bom, codec in BOMS:
        if content.startswith(bom):
            body = content[len(bom) :]
            try:
                return body.decode(codec)
            except UnicodeDecodeError as error:
                raise _unreadable(_line_of(body, error.start, codec)) from None
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        utf8_error = error.start
    # Japanese written as UTF-8 before the broken byte: a damaged UTF-8 file, not a cp932 one
    # (cp932's two-byte characters are never valid UTF-8, so its text would have failed sooner).
    if not content[:utf8_error].isascii():
        raise _unreadable(_line_of(content, utf8_error))
    try:
        return content.decode("cp932")
    except UnicodeDecodeError as error:
        raise _unreadable(_line_of(content, error.start)) from None


def _text(content: bytes) -> str:
    text = _decode(content)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise Invalid(
            f"Line {line} holds a NUL character.",
            {f"line {line}": ["NUL characters are not allowed."]},
        )
    return text


def _delimiter(lines: list[str]) -> str:
    """Tab when the header row (the first line that is not a note) has tabs and no commas."""
    header = next((line for line in lines if not line.startswith(NOTE)), "")
    return "\t" if "\t" in header and "," not in header else ","


def _header(reader) -> list[str]:
    """The first row that is not a note or blank (both are skipped before the header)."""
    for row in reader:
        if not any(cell.strip() for cell in row) or row[0].lstrip().startswith(NOTE):
            continue
        return [cell.strip() for cell in row]
    return []


def read_rows(
    content: bytes, required: set[str], max_rows: int, empty: str
) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: stripped value}) for each row; `empty` says why no row is wrong.

    Refuses a file that is not text in one of the encodings above, holds a NUL, lacks a
    required column, has more than `max_rows` rows or none at all.
    """
    text = _text(content)
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text[:65536].splitlines()))
    try:
        columns = _header(reader)
        missing = required - set(columns)
        if missing:
            raise Invalid(
                "Missing CSV columns.",
                {"file": [f"Missing column(s): {', '.join(sorted(missing))}."]},
            )
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # a blank line, or a row of empty cells as spreadsheets leave them
            clean = dict(zip(columns, (cell.strip() for cell in cells), strict=False))
            for column in columns[len(cells) :]:
                clean.setdefault(column, "")
            clean.pop("", None)
            rows.append((reader.line_num, clean))
            if len(rows) > max_rows:
                raise Invalid("Too many rows.", {"file": [f"At most {max_rows} rows per file."]})
    except csv.Error as error:  # a field over csv.field_size_limit() (128 KiB)
        line = reader.line_num  # the line being read when the field outgrew the limit
        raise Invalid(f"Line {line}: {error}.", {f"line {line}": [f"{error}."]}) from None
    if not rows:
        raise Invalid("The file has no rows.", {"file": [empty]})
    return rows
