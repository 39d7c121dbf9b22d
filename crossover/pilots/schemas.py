"""Pilot, preregistration, schedule, enrollment and transition payloads."""

from flask_smorest.fields import Upload
import marshmallow as ma

from crossover.pilots.models import (
    STRATUM_FIELDS,
    Allocation,
    Arm,
    Direction,
    PilotFormat,
    PilotStatus,
    PrimaryTest,
)
from crossover.web.api import Id, Schema

_values = lambda enum_cls: [m.value for m in enum_cls]  # noqa: E731
_band = ma.fields.String(validate=ma.validate.Length(1, 16))
_phase = ma.fields.String(validate=ma.validate.Length(1, 32))


class PreregistrationSchema(Schema):
    outcome = ma.fields.String(
        load_default="total",
        validate=ma.validate.Length(1, 64),
        metadata={"description": "'total' or a subscale key of the instrument"},
    )
    direction = ma.fields.String(
        load_default="increase", validate=ma.validate.OneOf(_values(Direction))
    )
    alpha = ma.fields.Float(load_default=0.05, validate=ma.validate.Range(0.001, 0.5))
    test = ma.fields.String(
        load_default="paired_t", validate=ma.validate.OneOf(_values(PrimaryTest))
    )
    min_dz = ma.fields.Float(load_default=0.2, validate=ma.validate.Range(0.01, 5))
    allocation = ma.fields.String(
        allow_none=True,
        validate=ma.validate.OneOf(_values(Allocation)),
        metadata={
            "description": "With a comparison arm: randomised (the default; permuted blocks within "
            "strata, no arm may be sent) or assigned (the owner picks: a non-randomised "
            "comparison)"
        },
    )
    strata = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(STRATUM_FIELDS)),
        allow_none=True,
        metadata={
            "description": "Enrollment attributes to randomise within; default age_band and "
            "career_phase"
        },
    )


class PreregistrationUpdateSchema(Schema):
    outcome = ma.fields.String(validate=ma.validate.Length(1, 64))
    direction = ma.fields.String(validate=ma.validate.OneOf(_values(Direction)))
    alpha = ma.fields.Float(validate=ma.validate.Range(0.001, 0.5))
    test = ma.fields.String(validate=ma.validate.OneOf(_values(PrimaryTest)))
    min_dz = ma.fields.Float(validate=ma.validate.Range(0.01, 5))
    allocation = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(_values(Allocation)))
    strata = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(STRATUM_FIELDS)), allow_none=True
    )


class EligibilitySchema(Schema):
    age_bands = ma.fields.List(_band, validate=ma.validate.Length(max=20))
    career_phases = ma.fields.List(_phase, validate=ma.validate.Length(max=20))
    tenure_bands = ma.fields.List(
        _band,
        validate=ma.validate.Length(max=6),
        metadata={"description": "company-survey tenure bands; empty: every tenure"},
    )


class WaveWindowSchema(Schema):
    wave = ma.fields.String(required=True, validate=ma.validate.Length(1, 32))
    opens_on = ma.fields.Date(
        allow_none=True, load_default=None, metadata={"description": "null: opens at enrolment"}
    )
    closes_on = ma.fields.Date(required=True)

    @ma.validates_schema
    def _order(self, data, **kwargs):
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            raise ma.ValidationError("Must not be before opens_on.", "closes_on")


_followups = ma.fields.List(
    ma.fields.Integer(strict=True, validate=ma.validate.Range(1, 730)),
    validate=ma.validate.Length(max=6),
    metadata={"description": "Follow-up offsets in days after ends_on"},
)


class _PilotFields(Schema):
    initiative_id = Id()
    instrument_id = Id()
    title = ma.fields.String(validate=ma.validate.Length(1, 200))
    format = ma.fields.String(validate=ma.validate.OneOf(_values(PilotFormat)))
    has_comparison = ma.fields.Boolean()
    planned_n = ma.fields.Integer(strict=True, validate=ma.validate.Range(2, 100_000))
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date()
    eligibility = ma.fields.Nested(EligibilitySchema)
    followup_days = _followups
    schedule = ma.fields.List(
        ma.fields.Nested(WaveWindowSchema), validate=ma.validate.Length(max=12)
    )

    @ma.validates_schema
    def _dates(self, data, **kwargs):
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise ma.ValidationError("Must not be before starts_on.", "ends_on")
        for field in ("starts_on", "ends_on"):
            if data.get(field) and not 2000 <= data[field].year <= 2100:
                raise ma.ValidationError("Must be between 2000 and 2100.", field)


class PilotCreateSchema(_PilotFields):
    initiative_id = Id(required=True)
    title = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    format = ma.fields.String(required=True, validate=ma.validate.OneOf(_values(PilotFormat)))
    planned_n = ma.fields.Integer(
        strict=True, required=True, validate=ma.validate.Range(2, 100_000)
    )
    starts_on = ma.fields.Date(required=True)
    ends_on = ma.fields.Date(required=True)
    preregistration = ma.fields.Nested(
        PreregistrationSchema, load_default=lambda: PreregistrationSchema().load({})
    )


class PilotUpdateSchema(_PilotFields):
    preregistration = ma.fields.Nested(PreregistrationUpdateSchema)


class PilotQueryArgsSchema(Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(_values(PilotStatus)))


class InitiativeBriefSchema(Schema):
    id = ma.fields.Integer()
    title_ja = ma.fields.String()
    title_en = ma.fields.String()
    venue = ma.fields.Function(lambda i: i.venue.key)
    level = ma.fields.Function(lambda i: i.level.key)


class PilotSchema(Schema):
    id = ma.fields.Integer()
    organization = ma.fields.Function(lambda p: p.organization.slug)
    initiative_id = ma.fields.Integer()
    initiative = ma.fields.Nested(InitiativeBriefSchema)
    instrument_id = ma.fields.Integer()
    title = ma.fields.String()
    format = ma.fields.Function(lambda p: p.format.value)
    status = ma.fields.Function(lambda p: p.status.value)
    has_comparison = ma.fields.Boolean()
    planned_n = ma.fields.Integer()
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date()
    eligibility = ma.fields.Function(
        lambda p: {
            "age_bands": p.eligible_age_bands,
            "career_phases": p.eligible_career_phases,
            # only pilots that enrol by tenure band (started from a focus area) have the rule
            **({"tenure_bands": p.eligible_tenure_bands} if p.eligible_tenure_bands else {}),
        }
    )
    followup_days = ma.fields.List(ma.fields.Integer())
    schedule = ma.fields.List(ma.fields.Nested(WaveWindowSchema), attribute="waves")
    preregistration = ma.fields.Function(
        lambda p: {
            "outcome": p.outcome,
            "direction": p.direction.value,
            "alpha": p.alpha,
            "test": p.primary_test.value,
            "min_dz": p.min_dz,
            "allocation": p.allocation_method.value if p.allocation_method else None,
            "strata": p.stratum_fields if p.randomised else None,
            # the seed is kept from everyone until the pilot is closed
            "allocation_seed": p.allocation_seed if p.status is PilotStatus.CLOSED else None,
            "frozen_at": p.preregistered_at.isoformat() if p.preregistered_at else None,
            "rationale": p.rationale,
            "focus_area_id": p.focus_area_id,
        }
    )
    created_at = ma.fields.DateTime()


class TransitionSchema(Schema):
    to = ma.fields.String(required=True, validate=ma.validate.OneOf(_values(PilotStatus)))


class EnrollmentInputSchema(Schema):
    age_band = ma.fields.String(required=True, validate=ma.validate.Length(1, 16))
    career_phase = ma.fields.String(required=True, validate=ma.validate.Length(1, 32))
    tenure_band = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(1, 16),
        metadata={"description": "required when the pilot enrols by tenure band"},
    )
    consent = ma.fields.Boolean(required=True)
    arm = ma.fields.String(
        load_default=None,
        validate=ma.validate.OneOf(_values(Arm)),
        metadata={
            "description": "participant (default) or comparison; only for an assigned comparison: "
            "a randomised pilot draws the arm and refuses one sent (422)"
        },
    )
    email = ma.fields.Email(
        allow_none=True, load_default=None, validate=ma.validate.Length(max=254)
    )


class InvitationLinkSchema(Schema):
    wave = ma.fields.String()
    token = ma.fields.String()
    url = ma.fields.String()
    opens_on = ma.fields.Date(allow_none=True)
    closes_on = ma.fields.Date()
    status = ma.fields.String(metadata={"description": "not_open, open, closed or answered"})
    sent_at = ma.fields.DateTime(
        allow_none=True, metadata={"description": "When the invitation e-mail went out"}
    )
    reminded_at = ma.fields.DateTime(
        allow_none=True, metadata={"description": "When the reminder went out"}
    )


class EnrollmentSchema(Schema):
    id = ma.fields.Integer()
    pilot_id = ma.fields.Integer()
    code = ma.fields.String()
    arm = ma.fields.Function(lambda e: e.arm.value)
    allocation = ma.fields.Function(
        lambda e: e.pilot.allocation_method.value if e.pilot.allocation_method else None,
        metadata={
            "description": "How the arm was given: randomised (drawn), assigned (the owner's "
            "choice), or null without a comparison arm"
        },
    )
    age_band = ma.fields.String()
    career_phase = ma.fields.String()
    tenure_band = ma.fields.String(allow_none=True)
    consented_at = ma.fields.DateTime()
    created_at = ma.fields.DateTime()
    erased_at = ma.fields.DateTime(allow_none=True)
    has_contact = ma.fields.Boolean()
    invitations = ma.fields.List(ma.fields.Nested(InvitationLinkSchema), attribute="links")


class CsvUploadSchema(Schema):
    file = Upload(
        required=True, metadata={"description": "CSV: age_band, career_phase, consent, arm, email"}
    )


class CsvUploadRecordSchema(Schema):
    """An accepted upload: a file (by SHA-256) enrols its people into a pilot once."""

    id = ma.fields.Integer()
    pilot_id = ma.fields.Integer()
    sha256 = ma.fields.String(metadata={"description": "SHA-256 of the file's bytes"})
    uploaded_at = ma.fields.DateTime()
    uploaded_by_id = ma.fields.Integer(allow_none=True)
    enrolled = ma.fields.Integer()
    with_email = ma.fields.Function(lambda u: u.summary.get("with_email", 0))
    arms = ma.fields.Function(
        lambda u: u.summary.get("arms", {}), metadata={"description": "People per arm"}
    )


class CsvResultSchema(Schema):
    enrolled = ma.fields.Integer()
    enrollments = ma.fields.List(ma.fields.Nested(EnrollmentSchema))
    upload = ma.fields.Nested(CsvUploadRecordSchema)


class DuplicateUploadSchema(Schema):
    """409: this file was already enrolled for the pilot; nobody was enrolled again."""

    code = ma.fields.Integer()
    status = ma.fields.String()
    message = ma.fields.String()
    errors = ma.fields.Dict()
    result = ma.fields.Nested(CsvUploadRecordSchema, metadata={"description": "The earlier upload"})
