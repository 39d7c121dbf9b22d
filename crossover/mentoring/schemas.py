"""Mentor, match and session payloads."""

import marshmallow as ma

from crossover.auth.access import actor
from crossover.mentoring import services
from crossover.web.api import Id, Schema

_tag = ma.fields.String(validate=ma.validate.Length(1, 60))
_lang = ma.fields.String(validate=ma.validate.OneOf(["ja", "en", "zh", "ko", "other"]))


class MentorInputSchema(Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    expertise = ma.fields.List(_tag, load_default=list, validate=ma.validate.Length(max=20))
    languages = ma.fields.List(
        _lang, load_default=lambda: ["ja"], validate=ma.validate.Length(1, 5)
    )
    capacity = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(1, 50))


class MentorUpdateSchema(Schema):
    name = ma.fields.String(validate=ma.validate.Length(1, 200))
    expertise = ma.fields.List(_tag, validate=ma.validate.Length(max=20))
    languages = ma.fields.List(_lang, validate=ma.validate.Length(1, 5))
    capacity = ma.fields.Integer(strict=True, validate=ma.validate.Range(1, 50))
    active = ma.fields.Boolean()


class MentorQueryArgsSchema(Schema):
    q = ma.fields.String(
        validate=ma.validate.Length(1, 60), metadata={"description": "Expertise or name"}
    )
    language = _lang
    available = ma.fields.Boolean(metadata={"description": "Only mentors with free capacity"})


class MentorSchema(Schema):
    id = ma.fields.Integer()
    organization = ma.fields.Function(lambda m: m.organization.slug)
    organization_name = ma.fields.Function(lambda m: m.organization.name)
    name = ma.fields.String()
    expertise = ma.fields.List(ma.fields.String())
    languages = ma.fields.List(ma.fields.String())
    capacity = ma.fields.Integer()
    active_matches = ma.fields.Method(
        "_active_matches",
        allow_none=True,
        metadata={
            "type": "integer",
            "description": "Running matches: shown to the mentor's own organization (and admins); "
            "null for other organizations, which see availability only",
        },
    )
    availability = ma.fields.Method(
        "_availability", metadata={"type": "string", "enum": ["available", "full"]}
    )
    active = ma.fields.Boolean()

    def _active_matches(self, mentor):
        return mentor.active_matches if services.sees_match_count(mentor, actor()) else None

    def _availability(self, mentor):
        return services.availability(mentor)


class MatchInputSchema(Schema):
    enrollment_id = Id(required=True)
    mentor_id = Id(required=True)


class SessionInputSchema(Schema):
    held_on = ma.fields.Date(required=True)
    minutes = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(1, 600))
    mode = ma.fields.String(required=True, validate=ma.validate.OneOf(["online", "in_person"]))
    topics = ma.fields.List(_tag, load_default=list, validate=ma.validate.Length(max=20))


class SessionSchema(Schema):
    id = ma.fields.Integer()
    match_id = ma.fields.Integer()
    held_on = ma.fields.Date()
    minutes = ma.fields.Integer()
    mode = ma.fields.Function(lambda s: s.mode.value)
    topics = ma.fields.List(ma.fields.String())


class MatchSchema(Schema):
    id = ma.fields.Integer()
    pilot_id = ma.fields.Integer()
    enrollment_id = ma.fields.Integer()
    enrollment_code = ma.fields.Function(lambda m: m.enrollment.code)
    mentor = ma.fields.Nested(MentorSchema)
    created_at = ma.fields.DateTime()
    ended_at = ma.fields.DateTime(allow_none=True)
    sessions = ma.fields.List(ma.fields.Nested(SessionSchema))
    total_minutes = ma.fields.Function(lambda m: sum(s.minutes for s in m.sessions))
