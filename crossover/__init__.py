"""crossover: run and judge small experiments on cross-boundary career experiences."""

from collections.abc import Mapping
from typing import Any

# Imports live inside create_app so `crossover.analysis` can be used without Flask loaded.


def create_app(test_config: Mapping[str, Any] | None = None):
    """Create and configure the crossover application."""
    from flask import Flask
    from flask_babel import get_locale

    from crossover import cli, config, extensions, worker
    from crossover.modules import register_blueprints
    from crossover.ops import views as ops_views
    from crossover.web import errors, headers, i18n, messages, ui
    from crossover.web import input as web_input
    from crossover.web import transactions as web_transactions

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config.Defaults)
    config.apply_environment(app)
    if test_config:
        app.config.update(test_config)
    config.derive_cookie_flags(app)
    config.check_production_secret(app)
    config.check_production_mail(app)
    config.limit_blas_threads(app)
    _trust_proxies(app)

    _init_extensions(app, extensions, i18n)
    ops_views.init_app(app)  # first hooks: the request id and timing cover the others
    worker.init_app(app)
    web_transactions.init_app(app)  # SQLite: requests that may write take the lock up front
    web_input.init_app(app)  # before the blueprints: their routes use its <id:...> converter
    register_blueprints(app, extensions.api)
    errors.init_app(app)
    ui.init_app(app)
    headers.init_app(app)
    app.cli.add_command(cli.crossover)
    app.jinja_env.globals.update(
        get_locale=get_locale, localized=i18n.localized, field_label=messages.field_label
    )
    return app


def _trust_proxies(app) -> None:
    # Behind a proxy every request comes from the proxy: rate limits need the real client.
    if count := int(app.config["PROXY_COUNT"]):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def _init_extensions(app, extensions, i18n) -> None:
    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, render_as_batch=True)
    extensions.api.init_app(app)
    extensions.csrf.init_app(app)
    extensions.babel.init_app(app, locale_selector=i18n.select_locale)
    extensions.login_manager.init_app(app)
    extensions.login_manager.login_view = "auth.login"
    extensions.limiter.init_app(app)
