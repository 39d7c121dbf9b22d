"""Invitation and reminder e-mails through an outbox table."""
