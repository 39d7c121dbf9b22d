"""What every download answers with: a CSV attachment in one charset, never cached (the files
carry people's answers or an organisation's figures)."""

from flask import Response as FlaskResponse


def csv_download(filename: str, body: str) -> FlaskResponse:
    # mimetype "text/csv" gets "; charset=utf-8" from Flask; naming it here as well doubles it.
    return FlaskResponse(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
