"""Operations: health and readiness, Prometheus metrics, JSON request logs, backups, admin logs.

Owns /healthz, /readyz and /metrics, the request id and one JSON log line per request and job,
the SQLite backup and restore behind the CLI, and the admin's audit log (audit_log) and mail
page (mail_page).

May import: auth (admin pages, metrics tokens), audit and outbox (what they show), web, config,
db and extensions; the worker it reads as an app extension (app.extensions["worker"]). Never a
study.
"""
