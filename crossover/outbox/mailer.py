"""Delivery: SMTP over one connection per batch (CROSSOVER_SMTP_*), or the development mail box.

Failures come in two kinds. Temporary ones (the server cannot be reached, times out, drops the
connection or answers 4xx) are tried again later; permanent ones (a 5xx answer to this message,
an address no server can take) are recorded with the reason and never tried again. A failure to
connect or sign in is never permanent: it says nothing about the message.
"""

from email.header import Header, decode_header, make_header
from email.message import Message
from email.mime.text import MIMEText
import re
import smtplib

from flask import current_app

from crossover.extensions import db
from crossover.outbox.models import MailboxMessage

MAIL_OFF, MAIL_SMTP, MAIL_DEV = "off", "smtp", "dev"

# Failure kinds, stored in OutboxMessage.failure and shown on pages in the user's language.
REFUSED = "refused"  # nothing listens at CROSSOVER_SMTP_HOST:PORT
TIMEOUT = "timeout"  # the server did not answer in CROSSOVER_SMTP_TIMEOUT_SECONDS
CONNECTION = "connection"  # the connection broke, or signing in failed
TEMPORARY = "temporary"  # a 4xx answer: try later
REJECTED = "rejected"  # a 5xx answer to this message
BAD_ADDRESS = "bad-address"
GAVE_UP = "gave-up"  # temporary failures, CROSSOVER_OUTBOX_MAX_ATTEMPTS times
LINK_EXPIRED = "link-expired"  # account mail whose link ended before it could be sent

ADDRESS = re.compile(r"[^\s<>@\"',;:()]+@[^\s<>@\"',;:()]+")


def mail_state() -> str:
    """How mail leaves this service: smtp, dev (kept in the mail box) or off (no SMTP host)."""
    config = current_app.config
    backend = str(config["MAIL_BACKEND"]).strip().lower()
    if backend == MAIL_DEV:
        return MAIL_DEV
    if backend == MAIL_SMTP and str(config["SMTP_HOST"]).strip():
        return MAIL_SMTP
    return MAIL_OFF


class DeliveryFailure(Exception):
    """A message was not delivered; `kind` is one of the failure kinds above."""

    permanent = False

    def __init__(self, kind: str, detail: str):
        super().__init__(detail)
        self.kind = kind
        # SMTP replies often quote the address: kept out of the database's error text and logs.
        self.detail = ADDRESS.sub("<address>", detail)[:500]


class TemporaryFailure(DeliveryFailure):
    pass


class PermanentFailure(DeliveryFailure):
    permanent = True


def build_message(recipient: str, subject: str, body: str) -> Message:
    """A plain-text UTF-8 message; an address that cannot be written is a permanent failure.

    Built with the compat32 classes (MIMEText, Header): the `email.policy.default` headers parse
    every value again and cost more than the SMTP exchange itself on loopback.
    """
    username, at, domain = recipient.rpartition("@")
    if not at or not username or not domain or any(c in recipient for c in ' \r\n\t<>,;"()'):
        raise PermanentFailure(BAD_ADDRESS, "Bad address: not user@domain")
    message = MIMEText(body, "plain", "utf-8")
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = recipient
    message["Subject"] = Header(subject, "utf-8")
    return message


def _reply(error: smtplib.SMTPResponseException) -> str:
    text = error.smtp_error
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{error.smtp_code} {text}"


def _failure_for_reply(code: int, detail: str) -> DeliveryFailure:
    if 400 <= code < 500:
        return TemporaryFailure(TEMPORARY, detail)
    return PermanentFailure(REJECTED, detail)


def _connection_failure(error: BaseException) -> TemporaryFailure:
    # smtplib reports a timeout while reading a reply as "Connection unexpectedly closed".
    cause = error.__context__
    if isinstance(error, smtplib.SMTPServerDisconnected) and isinstance(cause, TimeoutError):
        error = cause
    if isinstance(error, ConnectionRefusedError):
        return TemporaryFailure(REFUSED, f"Connection refused: {error}")
    if isinstance(error, TimeoutError):  # socket.timeout too
        return TemporaryFailure(TIMEOUT, f"Timed out: {error}")
    if isinstance(error, smtplib.SMTPResponseException):
        return TemporaryFailure(CONNECTION, _reply(error))
    return TemporaryFailure(CONNECTION, f"{type(error).__name__}: {error}")


class SmtpConnection:
    """One SMTP connection, opened on first use and again after it broke."""

    def __init__(self):
        self.config = current_app.config
        self.smtp: smtplib.SMTP | None = None
        self.opened = 0  # connections made, for tests and benches

    def open(self) -> None:
        config = self.config
        try:
            smtp = smtplib.SMTP(
                config["SMTP_HOST"],
                int(config["SMTP_PORT"]),
                timeout=float(config["SMTP_TIMEOUT_SECONDS"]),
            )
        except (OSError, smtplib.SMTPException) as error:
            raise _connection_failure(error) from None
        try:
            if config["SMTP_STARTTLS"]:
                smtp.starttls()
            if config["SMTP_USERNAME"]:
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        except (OSError, smtplib.SMTPException) as error:
            smtp.close()
            raise _connection_failure(error) from None
        self.smtp = smtp
        self.opened += 1

    def send(self, message: Message) -> None:
        if self.smtp is None:
            self.open()
        try:
            self.smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()))
            text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
            if code == 421:  # the server is closing the connection: the next message reopens it
                self.close()
            raise _failure_for_reply(code, f"{code} {text}") from None
        except smtplib.SMTPNotSupportedError as error:  # e.g. a non-ASCII address, no SMTPUTF8
            raise PermanentFailure(BAD_ADDRESS, str(error)) from None
        except smtplib.SMTPServerDisconnected as error:
            self.close()
            raise _connection_failure(error) from None
        except smtplib.SMTPResponseException as error:
            if error.smtp_code == 421:  # the server is closing the connection
                self.close()
            raise _failure_for_reply(error.smtp_code, _reply(error)) from None
        except (UnicodeError, ValueError, LookupError) as error:
            raise PermanentFailure(BAD_ADDRESS, f"{type(error).__name__}: {error}") from None
        except OSError as error:
            self.close()
            raise _connection_failure(error) from None

    def close(self) -> None:
        if self.smtp is None:
            return
        try:
            self.smtp.quit()
        except (OSError, smtplib.SMTPException):
            self.smtp.close()
        self.smtp = None


class Mailbox:
    """The development mail box: a message is kept (in the caller's transaction), not sent."""

    opened = 0

    def send(self, message: Message) -> None:
        subject = str(make_header(decode_header(str(message["Subject"]))))
        body = message.get_payload(decode=True).decode("utf-8")
        db.session.add(MailboxMessage(recipient=message["To"], subject=subject, body=body))

    def close(self) -> None:
        pass


def connection() -> SmtpConnection | Mailbox:
    """Where messages go now: the mail box (dev) or an SMTP connection."""
    return Mailbox() if mail_state() == MAIL_DEV else SmtpConnection()


def send_mail(recipient: str, subject: str, body: str) -> None:
    """Send one message now over its own connection; raises DeliveryFailure."""
    sender = connection()
    try:
        sender.send(build_message(recipient, subject, body))
    finally:
        sender.close()
