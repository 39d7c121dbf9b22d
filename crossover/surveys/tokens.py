"""Survey tokens: 192 random bits behind an HMAC, so a leaked database alone reveals no link.

The database keeps a random nonce and the SHA-256 of the token. The token itself is
HMAC(secret key, nonce), so owners' pages and invitation e-mails can show the link again,
while lookups compare hashes only.
"""

import base64
import hashlib
import hmac
import secrets

from flask import current_app


def new_nonce() -> str:
    return secrets.token_hex(16)


def token_for(nonce: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"invitation:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")  # 192 bits, 32 chars


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def survey_url(token: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/s/{token}"
