"""Template CSVs for upload pages: the header row the upload reads, and above it the valid codes
of each column with their labels in the page's language.

The code lines start with "#": crossover.web.csv_upload skips such lines before the header, so a
template filled in below its header (and saved by Excel as UTF-8, cp932 or Unicode text) uploads
as it is. Each note is split into cells (column, code, meaning) so that a spreadsheet shows the
codes as a small table. The rooms with upload pages (pilots, company) write their notes and serve
the files.
"""

import csv
import io

from flask_babel import gettext as _

Note = tuple[str, str, str]  # column, code, meaning


def template_csv(title: str, notes: list[Note], columns: list[str]) -> str:
    """The file: a title note, how to fill it in, one note per (column, code, meaning), the
    header row. UTF-8 with a BOM, which Excel opens as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f"# {title}"])
    writer.writerow(
        [
            "# "
            + _(
                "Lines starting with # are notes and are not read. Write one person per row "
                "below the header row (the last line); keep the header as it is."
            )
        ]
    )
    writer.writerow([f"# {_('Column')}", _("Code"), _("Meaning")])
    for column, code, meaning in notes:
        writer.writerow([f"# {column}", code, meaning])
    writer.writerow(columns)
    return out.getvalue()
