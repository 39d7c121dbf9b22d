"""Operations: health and readiness, Prometheus metrics, JSON request logs, backups.

Owns /healthz, /readyz and /metrics, the request id and one JSON log line per request and job,
and the SQLite backup and restore behind the CLI.

May import: auth (metrics tokens), outbox (its figures for /metrics), web, config, db and
extensions; the worker it reads as an app extension (app.extensions["worker"]). Never a study.
"""
