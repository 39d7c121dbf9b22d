"""Operations: health and readiness, Prometheus metrics, JSON request logs, backups."""
