"""SMTP delivery, configured from the environment (CROSSOVER_SMTP_*)."""

from email.message import EmailMessage
import smtplib

from flask import current_app


def send_mail(recipient: str, subject: str, body: str) -> None:
    """Send one plain-text UTF-8 message; raises on any SMTP failure."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content(body, charset="utf-8")
    with smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=30) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        smtp.send_message(message)
