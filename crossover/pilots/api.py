"""Pilots, lifecycle transitions, enrolments (one or CSV), erasure, and the power planner."""

from flask import jsonify
from flask.views import MethodView
import marshmallow as ma

from crossover.analysis import (
    paired_n_for_power,
    paired_power,
    two_arm_n_for_power,
    two_arm_power,
)
from crossover.auth.access import actor, api_auth
from crossover.auth.models import Role
from crossover.pilots import access, enrolment, enrolment_csv, lifecycle, registration
from crossover.pilots import enrollment_views as links
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
from crossover.web.api import Blueprint, Schema
from crossover.web.errors import Invalid

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
        return access.list_pilots(actor(), args.get("status"))

    @api_auth(Role.OWNER)
    @api_blp.arguments(PilotCreateSchema)
    @api_blp.response(201, PilotSchema)
    def post(self, data):
        """Register a draft pilot with its preregistration"""
        return registration.register_pilot(data, actor=actor())


@api_blp.route(PILOT)
class PilotById(MethodView):
    @api_auth(*READERS)
    @api_blp.response(200, PilotSchema)
    def get(self, pilot_id):
        """One pilot (another organization's answers 404 to owners)"""
        return access.get_pilot(pilot_id, actor())

    @api_auth(Role.OWNER)
    @api_blp.arguments(PilotUpdateSchema)
    @api_blp.response(200, PilotSchema)
    def patch(self, data, pilot_id):
        """Change a pilot; the preregistration and design are frozen after draft (409)"""
        return registration.update_pilot(
            access.get_owned_pilot(pilot_id, actor()), data, actor=actor()
        )


@api_blp.route(f"{PILOT}/transitions")
class PilotTransitions(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.arguments(TransitionSchema)
    @api_blp.response(200, PilotSchema)
    def post(self, data, pilot_id):
        """Move a pilot draft → recruiting → running → closed (any other move is 409)"""
        return lifecycle.transition(
            access.get_owned_pilot(pilot_id, actor()), data["to"], actor=actor()
        )


@api_blp.route(f"{PILOT}/enrollments")
class PilotEnrollments(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.response(200, EnrollmentSchema(many=True))
    def get(self, pilot_id):
        """Enrolments with each wave's link and status"""
        return links.list_enrollments(access.get_owned_pilot(pilot_id, actor()))

    @api_auth(Role.OWNER)
    @api_blp.arguments(EnrollmentInputSchema)
    @api_blp.response(201, EnrollmentSchema)
    def post(self, data, pilot_id):
        """Enrol one eligible, consenting person; returns the code and one invitation per wave"""
        pilot = access.get_owned_pilot(pilot_id, actor())
        enrollment = enrolment.enroll(pilot, data, actor=actor())
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
        pilot = access.get_owned_pilot(pilot_id, actor())
        try:
            return enrolment_csv.enroll_csv(pilot, files["file"].read(), actor=actor())
        except enrolment_csv.DuplicateUpload as duplicate:
            return _duplicate_upload(duplicate)


def _duplicate_upload(duplicate: enrolment_csv.DuplicateUpload):
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
        enrollment = access.get_owned_enrollment(enrollment_id, actor())
        return links.annotate_enrollments(
            enrollment.pilot, [enrollment], links.answered_invitation_ids(enrollment.pilot)
        )[0]


@api_blp.route(f"{ENROLLMENT}/erase")
class EnrollmentErase(MethodView):
    @api_auth(Role.OWNER)
    @api_blp.response(200, EnrollmentSchema)
    def post(self, enrollment_id):
        """Erase a participant's contact data; answers stay, anonymous"""
        enrollment = enrolment.erase_contact(
            access.get_owned_enrollment(enrollment_id, actor()), actor=actor()
        )
        return links.annotate_enrollments(enrollment.pilot, [enrollment])[0]


DESIGNS = ("paired", "two_arm")
EFFECT_OF = {"paired": "dz", "two_arm": "d"}


class PowerQueryArgsSchema(Schema):
    design = ma.fields.String(
        load_default="paired",
        validate=ma.validate.OneOf(DESIGNS),
        metadata={
            "description": "paired: one group measured before and after (give dz). two_arm: a "
            "randomised pilot with a comparison arm, analysed by ANCOVA post ~ pre + arm "
            "(give d and rho)."
        },
    )
    dz = ma.fields.Float(
        validate=ma.validate.Range(0.01, 5),
        metadata={"description": "paired: mean change over the SD of the changes (required)"},
    )
    d = ma.fields.Float(
        validate=ma.validate.Range(0.01, 5),
        metadata={"description": "two_arm: difference in post means over the SD (required)"},
    )
    rho = ma.fields.Float(
        validate=ma.validate.Range(0, 1, max_inclusive=False),
        metadata={
            "description": "two_arm: correlation of pre and post scores, 0 <= rho < 1 "
            "(required); ANCOVA leaves an SD of sqrt(1 - rho^2)"
        },
    )
    alpha = ma.fields.Float(load_default=0.05, validate=ma.validate.Range(0.0001, 0.5))
    power = ma.fields.Float(validate=ma.validate.Range(0.05, 0.999))
    n = ma.fields.Integer(
        validate=ma.validate.Range(2, 10_000_000),
        metadata={"description": "Pairs (paired) or people per arm (two_arm)"},
    )
    direction = ma.fields.String(
        load_default="increase", validate=ma.validate.OneOf(["increase", "decrease", "two-sided"])
    )


class PowerSchema(Schema):
    design = ma.fields.String(dump_default="paired")
    dz = ma.fields.Float(metadata={"description": "paired only"})
    d = ma.fields.Float(metadata={"description": "two_arm only"})
    rho = ma.fields.Float(metadata={"description": "two_arm only"})
    adjusted_sd = ma.fields.Float(
        metadata={"description": "two_arm only: sqrt(1 - rho^2), the sd given to power.t.test"}
    )
    alpha = ma.fields.Float()
    direction = ma.fields.String()
    n = ma.fields.Integer(
        attribute="pairs_needed",
        metadata={"description": "paired only: pairs to recruit (rounded up)"},
    )
    n_per_arm = ma.fields.Integer(
        attribute="per_arm_needed",
        metadata={"description": "two_arm only: people to recruit in each arm (R's ceiling)"},
    )
    n_total = ma.fields.Integer(
        attribute="total_needed",
        metadata={"description": "two_arm only: people to recruit in both arms together"},
    )
    n_exact = ma.fields.Float(
        attribute="n",
        metadata={"description": "Fractional n (pairs, or per arm), as R's power.t.test"},
    )
    power = ma.fields.Float()


def _design_inputs(args: dict) -> dict:
    """The effect (and rho) the chosen design needs; a missing or foreign one is 422."""
    design = args["design"]
    effect = EFFECT_OF[design]
    errors: dict = {}
    for name in ("dz", "d", "rho"):
        wanted = name == effect or (name == "rho" and design == "two_arm")
        if wanted and name not in args:
            errors[name] = [f"Missing data for required field (design={design})."]
        elif not wanted and name in args:
            errors[name] = [f"Not used with design={design}."]
    if errors:
        raise Invalid("Give the inputs of the chosen design.", errors)
    common = dict(alpha=args["alpha"], direction=args["direction"])
    if design == "two_arm":
        return {"d": args["d"], "rho": args["rho"], **common}
    return {"dz": args["dz"], **common}


@api_blp.route("/power")
class Power(MethodView):
    @api_blp.doc(security=[])
    @api_blp.arguments(PowerQueryArgsSchema, location="query")
    @api_blp.response(200, PowerSchema)
    def get(self, args):
        """Pairs (paired) or people per arm (two_arm) needed for a power (give power), or the
        power of n (give n)"""
        if ("power" in args) == ("n" in args):
            raise Invalid(
                "Give exactly one of power and n.", {"power": ["Give power or n, not both."]}
            )
        inputs = _design_inputs(args)
        two_arm = args["design"] == "two_arm"
        try:
            if "power" in args:
                solve = two_arm_n_for_power if two_arm else paired_n_for_power
                return solve(power=args["power"], **inputs)
            return (two_arm_power if two_arm else paired_power)(n=args["n"], **inputs)
        except ValueError as error:
            field = EFFECT_OF[args["design"]]
            raise Invalid(str(error), {field: [str(error)]}) from None
