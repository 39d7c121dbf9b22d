"""Payloads of organisations and users."""

import marshmallow as ma

from crossover.auth.models import Role
from crossover.web.api import Schema

ROLES = [role.value for role in Role]


class OrganizationSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    slug = ma.fields.String(required=True, validate=ma.validate.Length(2, 63))
    name = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    created_at = ma.fields.DateTime(dump_only=True)


class NewUserSchema(Schema):
    email = ma.fields.String(required=True, validate=ma.validate.Length(3, 254))
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(ROLES))
    organization = ma.fields.String(validate=ma.validate.Length(2, 63), allow_none=True)


class UserPatchSchema(Schema):
    active = ma.fields.Boolean(truthy={True}, falsy={False})
    role = ma.fields.String(validate=ma.validate.OneOf(ROLES))


class AccountSchema(Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    role = ma.fields.Function(lambda user: user.role.value)
    organization = ma.fields.Function(
        lambda user: user.organization.slug if user.organization else None, allow_none=True
    )
    active = ma.fields.Boolean()
    created_at = ma.fields.DateTime()


class CreatedUserSchema(Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    role = ma.fields.String()
    organization = ma.fields.String(allow_none=True)
    active = ma.fields.Boolean()
    setup_url = ma.fields.String()
    mail = ma.fields.String(
        metadata={"description": "queued (the worker mails it), sent, failed or not-configured"}
    )


class SetupLinkSchema(Schema):
    setup_url = ma.fields.String()
    mail = ma.fields.String()
