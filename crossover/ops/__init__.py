"""Operations: health and readiness, Prometheus metrics, JSON request logs, backups.

Owns /healthz, /readyz and /metrics, the request id and one JSON log line per request and job,
and the SQLite backup and restore behind the CLI.

May import: auth (metrics tokens), outbox (its figures for /metrics), the worker at the package
root (its last run), web, config, db and extensions. Never a study.
"""
