"""GET /audit and the /admin/audit page: the audit log, for admins.

The blueprints keep their names (audit_api, audit), so endpoints and the OpenAPI document stay
as they were when this lived in crossover.audit.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint as PageBlueprint
from flask import current_app, render_template, request
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
import marshmallow as ma
import sqlalchemy as sa

from crossover.audit import AuditEvent
from crossover.auth.access import api_auth, page_auth
from crossover.auth.models import Role, User
from crossover.db import page_of
from crossover.extensions import db
from crossover.web.api import Blueprint, Schema
from crossover.web.forms import whole_number

api_blp = Blueprint("audit_api", __name__, url_prefix="/audit", description="Audit log (admins)")
pages_bp = PageBlueprint("audit", __name__)


class AuditQueryArgsSchema(Schema):
    action = ma.fields.String(validate=ma.validate.Length(1, 64))
    target_type = ma.fields.String(validate=ma.validate.Length(1, 32))


class AuditEventSchema(Schema):
    id = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    actor_id = ma.fields.Integer(allow_none=True)
    organization_id = ma.fields.Integer(allow_none=True)
    action = ma.fields.String()
    target_type = ma.fields.String()
    target_id = ma.fields.Integer(allow_none=True)
    details = ma.fields.Dict()


@api_blp.route("")
class AuditEvents(MethodView):
    @api_auth(Role.ADMIN)
    @api_blp.arguments(AuditQueryArgsSchema, location="query")
    @api_blp.response(200, AuditEventSchema(many=True))
    @api_blp.paginate()
    def get(self, args, pagination_parameters):
        """Who did what, newest first"""
        query = sa.select(AuditEvent)
        for field in ("action", "target_type"):
            if field in args:
                query = query.where(getattr(AuditEvent, field) == args[field])
        pagination_parameters.item_count = db.session.scalar(
            sa.select(sa.func.count()).select_from(query.subquery())
        )
        return page_of(
            db.session,
            query.order_by(AuditEvent.id.desc()),
            pagination_parameters.page,
            pagination_parameters.page_size,
        )


ACTION_LABELS = {
    "auth.user_created": _l("Account created"),
    "auth.setup_completed": _l("Account setup completed"),
    "auth.setup_link_issued": _l("Setup link issued again"),
    "auth.user_deactivated": _l("Account deactivated"),
    "auth.user_reactivated": _l("Account reactivated"),
    "auth.role_changed": _l("Role changed"),
    "auth.password_changed": _l("Password changed"),
    "auth.password_reset": _l("Password reset"),
    "auth.password_set": _l("Password set (command line)"),
    "auth.reset_requested": _l("Password reset requested"),
    "auth.token_issued": _l("API token created"),
    "auth.token_revoked": _l("API token revoked"),
    "auth.org_created": _l("Organization created"),
}
PAGE_SIZE = 50


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _filters() -> tuple[dict, list]:
    """The page's filters as typed, and the conditions they make (unreadable dates are ignored)."""
    keys = ("action", "actor", "since", "until")
    form = {key: request.args.get(key, "").strip()[:254] for key in keys}
    conditions = []
    if form["action"]:
        conditions.append(AuditEvent.action == form["action"])
    if form["actor"]:
        matching = User.email.contains(form["actor"].lower(), autoescape=True)
        conditions.append(AuditEvent.actor_id.in_(sa.select(User.id).where(matching)))
    if (since := _date(form["since"])) is not None:
        conditions.append(AuditEvent.created_at >= _local_midnight(since))
    if (until := _date(form["until"])) is not None:  # the whole day named
        conditions.append(AuditEvent.created_at < _local_midnight(until + timedelta(days=1)))
    return form, conditions


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=local_zone())


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


@pages_bp.route("/admin/audit")
@page_auth(Role.ADMIN)
def events():
    """The audit log for admins: newest first, filtered by action, person and days."""
    form, conditions = _filters()
    query = sa.select(AuditEvent).where(*conditions)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    page = min(max(whole_number(request.args.get("page")) or 1, 1), 100_000)
    rows = page_of(db.session, query.order_by(AuditEvent.id.desc()), page, PAGE_SIZE)
    targets = {row.target_id for row in rows if row.target_type == "user"}
    people = _emails({row.actor_id for row in rows} | targets)
    actions = db.session.scalars(
        sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    ).all()
    return render_template(
        "audit/events.html",
        rows=rows,
        form=form,
        page=page,
        total=total,
        pages=max(1, -(-total // PAGE_SIZE)),
        actions=actions,
        people=people,
        action_label=action_label,
        zone=local_zone(),
        query_args={key: value for key, value in form.items() if value},
    )


def _emails(user_ids: set) -> dict[int, str]:
    ids = [i for i in user_ids if i is not None]
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.email).where(User.id.in_(ids))).all())
