"""Pilots, lifecycle transitions, enrolments (one or CSV), erasure, and the power planner."""

from flask import jsonify
from flask.views import MethodView
import marshmallow as ma

from crossover.analysis import paired_n_for_power, paired_power
from crossover.api import Blueprint, Schema
from crossover.auth.access import actor, api_auth
from crossover.auth.models import Role
from crossover.errors import Invalid
from crossover.pilots import services
from crossover.pilots.schemas import (
    CsvResultSchema,
    CsvUploadRecordSchema,
    CsvUploadSchema,
    DuplicateUploadSchema,
    EnrollmentInputSchema,
    EnrollmentSchema,
    PilotCreateSchema,
    PilotQueryArgsSchema,
    PilotSchema,
    PilotUpdateSchema,
    TransitionSchema,
)
from crossover.surveys import links

api_blp = Blueprint("pilots_api", __name__, description="Pilots, enrolment and the power planner")

PILOT = "/pilots/<id:pilot_id>"
ENROLLMENT = "/enrollments/<id:enrollment_id>"
READERS = (Role.OWNER, Role.ADMIN, Role.REVIEWER)


@api_blp.route("/pilots")
class Pilots(MethodView):
    @api_auth(*READERS)
    @api_blp.arguments(PilotQueryArgsSchema, location="query")
    @api_blp.response(200, PilotSchema(many=True))
    def get(self, args):
        """Pilots: an owner's own organization's; every pilot for admins and reviewers"""
        return services.list_pilots(actor(), args.get("status"))

    @api_auth(Role.OWNER)
    @api_blp.arguments(PilotCreateSchema)
    @api_blp.response(201, PilotSchema)
    def post(self, data):
        """Register a draft pilot with its preregistration"""
        return services.register_pilot(data, actor=actor())


@api_blp.route(PILOT)
class PilotById(MethodView):
    @api_auth(*READERS)
    @api_blp.response(200, PilotSchema)
    def get(self, pilot_id):
        """One pilot (another organization's answers 404 to owners)"""
        return services.get_pilot(pilot_id, actor())

    @api_auth(Role.OWNER)
    @api_blp.arguments(PilotUpdateSchema)
    @api_blp.response(200, PilotSchema)
    def patch(self, data, pilot_id):
        """Change a pilot; the preregistration and design are frozen after draft (409)"""
        return services.update_pilot(
            services.get_owned_pilot(pilot_id, actor()), data, actor=actor()
        )


@api_blp.route(f"{PILOT}/transitions")
class PilotTransitions(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.arguments(TransitionSchema)
    @api_blp.response(200, PilotSchema)
    def post(self, data, pilot_id):
        """Move a pilot draft → recruiting → running → closed (any other move is 409)"""
        return services.transition(
            services.get_owned_pilot(pilot_id, actor()), data["to"], actor=actor()
        )


@api_blp.route(f"{PILOT}/enrollments")
class PilotEnrollments(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.response(200, EnrollmentSchema(many=True))
    def get(self, pilot_id):
        """Enrolments with each wave's link and status"""
        return links.list_enrollments(services.get_owned_pilot(pilot_id, actor()))

    @api_auth(Role.OWNER)
    @api_blp.arguments(EnrollmentInputSchema)
    @api_blp.response(201, EnrollmentSchema)
    def post(self, data, pilot_id):
        """Enrol one eligible, consenting person; returns the code and one invitation per wave"""
        pilot = services.get_owned_pilot(pilot_id, actor())
        enrollment = services.enroll(pilot, data, actor=actor())
        return links.annotate_enrollments(pilot, [enrollment])[0]


@api_blp.route(f"{PILOT}/enrollments/csv")
class PilotEnrollmentsCsv(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.arguments(CsvUploadSchema, location="files")
    @api_blp.response(201, CsvResultSchema)
    @api_blp.alt_response(
        409, schema=DuplicateUploadSchema, description="This file was already enrolled"
    )
    @api_blp.doc(
        # The OpenAPI summary, too long for a one-line docstring.
        summary="Enrol everyone in a CSV, or nobody: bad rows are reported by line number; "
        "the same file again is 409"
    )
    def post(self, files, pilot_id):
        pilot = services.get_owned_pilot(pilot_id, actor())
        try:
            return services.enroll_csv(pilot, files["file"].read(), actor=actor())
        except services.DuplicateUpload as duplicate:
            return _duplicate_upload(duplicate)


def _duplicate_upload(duplicate: services.DuplicateUpload):
    """The usual error body plus the earlier upload, so a client that timed out learns what
    happened."""
    body = {
        "code": 409,
        "status": "Conflict",
        "message": duplicate.message,
        "errors": duplicate.errors,
        "result": CsvUploadRecordSchema().dump(duplicate.upload),
    }
    return jsonify(body), 409


@api_blp.route(ENROLLMENT)
class EnrollmentById(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.response(200, EnrollmentSchema)
    def get(self, enrollment_id):
        """One enrolment with its links"""
        enrollment = services.get_owned_enrollment(enrollment_id, actor())
        return links.annotate_enrollments(
            enrollment.pilot, [enrollment], links.answered_invitation_ids(enrollment.pilot)
        )[0]


@api_blp.route(f"{ENROLLMENT}/erase")
class EnrollmentErase(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.response(200, EnrollmentSchema)
    def post(self, enrollment_id):
        """Erase a participant's contact data; answers stay, anonymous"""
        enrollment = services.erase_contact(
            services.get_owned_enrollment(enrollment_id, actor()), actor=actor()
        )
        return links.annotate_enrollments(enrollment.pilot, [enrollment])[0]


class PowerQueryArgsSchema(Schema):
    dz = ma.fields.Float(required=True, validate=ma.validate.Range(0.01, 5))
    alpha = ma.fields.Float(load_default=0.05, validate=ma.validate.Range(0.0001, 0.5))
    power = ma.fields.Float(validate=ma.validate.Range(0.05, 0.999))
    n = ma.fields.Integer(validate=ma.validate.Range(2, 10_000_000))
    direction = ma.fields.String(
        load_default="increase", validate=ma.validate.OneOf(["increase", "decrease", "two-sided"])
    )


class PowerSchema(Schema):
    dz = ma.fields.Float()
    alpha = ma.fields.Float()
    direction = ma.fields.String()
    n = ma.fields.Integer(
        attribute="pairs_needed", metadata={"description": "Pairs to recruit (rounded up)"}
    )
    n_exact = ma.fields.Float(
        attribute="n", metadata={"description": "Fractional n, as R's power.t.test"}
    )
    power = ma.fields.Float()


@api_blp.route("/power")
class Power(MethodView):
    @api_blp.doc(security=[])
    @api_blp.arguments(PowerQueryArgsSchema, location="query")
    @api_blp.response(200, PowerSchema)
    def get(self, args):
        """Pairs needed for a power (give power), or the power of n pairs (give n)"""
        if ("power" in args) == ("n" in args):
            raise Invalid(
                "Give exactly one of power and n.", {"power": ["Give power or n, not both."]}
            )
        common = dict(dz=args["dz"], alpha=args["alpha"], direction=args["direction"])
        try:
            if "power" in args:
                return paired_n_for_power(power=args["power"], **common)
            return paired_power(n=args["n"], **common)
        except ValueError as error:
            raise Invalid(str(error), {"dz": [str(error)]}) from None
