"""Company survey steps as a client takes them through the API (roster side)."""

from datetime import timedelta
import io

from tests.factories import TODAY

ANSWERS = {f"{s}_{i}": 3 for s in ("vision", "agency", "learning", "connection") for i in (1, 2, 3)}
HEADER = "employee_ref,age_band,tenure_band,unit,career_phase,email,engagement"


def make_survey(client, headers, title="キャリア・オーナーシップ調査") -> dict:
    response = client.post("/api/v1/company-surveys", headers=headers, json={"title": title})
    assert response.status_code == 201, response.json
    return response.json


def make_round(client, headers, survey_id, label="2026", opens=-1, closes=30) -> dict:
    response = client.post(
        f"/api/v1/company-surveys/{survey_id}/rounds",
        headers=headers,
        json={
            "label": label,
            "opens_on": (TODAY + timedelta(days=opens)).isoformat(),
            "closes_on": (TODAY + timedelta(days=closes)).isoformat(),
        },
    )
    assert response.status_code == 201, response.json
    return response.json


def roster_csv(count: int, start: int = 0, email: bool = True, engagement: bool = True) -> bytes:
    lines = [HEADER]
    for i in range(start, start + count):
        mail = f"emp{i}@example.com" if email else ""
        score = f"{3 + (i % 5) / 2}" if engagement else ""
        lines.append(f"E{i:05d},{['30-34', '40-44', '50-54'][i % 3]},6-10,営業部,,{mail},{score}")
    return ("\n".join(lines) + "\n").encode()


def upload(client, headers, round_id, data: bytes, what="roster"):
    return client.post(
        f"/api/v1/rounds/{round_id}/{what}",
        headers=headers,
        data={"file": (io.BytesIO(data), "roster.csv")},
        content_type="multipart/form-data",
    )


def setup_round(client, headers, rows=3, engagement=True, **round_args) -> tuple[dict, dict, dict]:
    """A survey, a round open today and a roster of `rows` (with engagement scores unless told
    otherwise); returns survey, round, upload."""
    survey = make_survey(client, headers)
    round_ = make_round(client, headers, survey["id"], **round_args)
    answer = upload(client, headers, round_["id"], roster_csv(rows, engagement=engagement))
    assert answer.status_code == 201, answer.json
    return survey, round_, answer.json


def member_tokens(app, round_id: int) -> list[str]:
    """The round's links as only each employee's mailbox gets them (no owner answer carries
    one), in roster order (member id: the file's row order)."""
    import sqlalchemy as sa

    from crossover.company.models import RosterMember
    from crossover.extensions import db
    from crossover.surveys import tokens

    with app.app_context():
        nonces = db.session.scalars(
            sa.select(RosterMember.nonce)
            .where(RosterMember.round_id == round_id)
            .order_by(RosterMember.id)
        ).all()
        found = [tokens.token_for(nonce) for nonce in nonces]
        db.session.remove()
    return found


def close(client, headers, round_id: int) -> None:
    response = client.post(f"/api/v1/rounds/{round_id}/close", headers=headers)
    assert response.status_code == 200, response.json


def disclosure_table(text: str) -> tuple[dict[str, str], list[str], list[list[str]]]:
    """A disclosure CSV (BOM already stripped) read back with the csv module: its definitions
    (label → text, the rows before the first empty row), the table's header and its rows."""
    import csv

    rows = list(csv.reader(io.StringIO(text)))
    blank = rows.index([])
    definitions = rows[:blank]
    assert all(len(row) == 2 for row in definitions), definitions
    header, *table = rows[blank + 1 :]
    return dict(definitions), header, table
