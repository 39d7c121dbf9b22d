"""Security headers on every response: framing, sniffing, referrers and a strict CSP."""

from flask import Flask, Response, request

# Scripts and styles come from our own static files only. Style *attributes* stay allowed
# (style-src-attr): pages set data-driven values with them — the evidence board's heat-map
# colours, the survey's progress width and scale columns. Jinja escapes every value, an
# attribute can neither run script nor select other elements, and any url() it could name is
# still held to img-src/default-src 'self'; <style> elements and foreign sheets stay blocked.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Survey links carry the participant's token in the path: never send them as a referrer.
TOKEN_PATH_PREFIXES = ("/s/", "/api/v1/surveys/", "/account/setup/", "/account/reset/")


def _referrer_policy(path: str) -> str:
    return "no-referrer" if path.startswith(TOKEN_PATH_PREFIXES) else "same-origin"


def add_security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = _referrer_policy(request.path)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
