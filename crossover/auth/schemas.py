"""Auth payloads."""

import marshmallow as ma

from crossover.web.api import Schema


class TokenRequestSchema(Schema):
    email = ma.fields.String(required=True, validate=ma.validate.Length(1, 254))
    password = ma.fields.String(required=True, validate=ma.validate.Length(1, 1024))


class TokenSchema(Schema):
    token = ma.fields.String(required=True)
    expires_at = ma.fields.DateTime()


class UserSchema(Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    role = ma.fields.Function(lambda user: user.role.value)
    organization = ma.fields.Function(
        lambda user: user.organization.slug if user.organization else None, allow_none=True
    )
