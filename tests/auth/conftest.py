"""Fixtures shared by the account tests."""

from tests.outbox.test_send_invitations import smtp  # noqa: F401  (a real SMTP server on 127.0.0.1)
