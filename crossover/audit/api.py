"""GET /audit: the audit log, for admins."""
from flask import Blueprint as PageBlueprint
from flask.views import MethodView
import marshmallow as ma
import sqlalchemy as sa

from crossover.api import Blueprint, Schema
from crossover.audit import AuditEvent
from crossover.auth.access import api_auth
from crossover.auth.models import Role
from crossover.db import page_of
from crossover.extensions import db

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
        return page_of(db.session, query.order_by(AuditEvent.id.desc()),
                       pagination_parameters.page, pagination_parameters.page_size)
