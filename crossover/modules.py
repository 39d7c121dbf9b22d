"""The domains of crossover and their blueprints, registered in one place."""

from flask import Flask

from crossover import (
    auth,
    catalogue,
    evidence,
    focus,
    instruments,
    mentoring,
    pilots,
    reports,
    surveys,
)
from crossover.audit import api as audit_api
from crossover.auth import accounts
from crossover.catalogue import labels as catalogue_labels
from crossover.company import api as company_api
from crossover.company import (
    csv_template as company_csv_template,  # noqa: F401  (routes on company pages)
)
from crossover.company import dashboard as company_dashboard
from crossover.company import mail as company_mail
from crossover.company import models as company_models  # noqa: F401  (mapped for migrations)
from crossover.company import pages as company_pages
from crossover.company import results_api as company_results_api
from crossover.instruments import labels as instrument_labels
from crossover.ops import views as ops_views
from crossover.outbox import models as outbox_models  # noqa: F401  (mapped for migrations)
from crossover.outbox import pages as outbox_pages
from crossover.outbox import sources as mail_sources
from crossover.pilots import mail as pilot_mail

MODULES = (
    auth,
    accounts,
    catalogue,
    instruments,
    pilots,
    mentoring,
    surveys,
    reports,
    evidence,
    audit_api,
    company_results_api,
    company_api,
    company_pages,
    company_dashboard,
    focus,
    outbox_pages,
    ops_views,
)

# Rooms that lend the request edge their labels (option and subscale names).
LABELS = (catalogue_labels, instrument_labels)


def register_blueprints(app: Flask, api) -> None:
    from crossover.extensions import csrf

    for module in MODULES:  # a module brings an API blueprint, a pages blueprint, or both
        if (api_blp := getattr(module, "api_blp", None)) is not None:
            api.register_blueprint(api_blp)
            csrf.exempt(api_blp)  # the API authenticates by bearer token, not cookie
        if (pages_bp := getattr(module, "pages_bp", None)) is not None:
            app.register_blueprint(pages_bp)
    for room_labels in LABELS:
        room_labels.init_app(app)
    register_mail_sources(app)


def register_mail_sources(app: Flask) -> None:
    """The studies whose people get survey mail from the outbox: pilots first, then company
    rounds (the order due mail is found and queued in)."""
    mail_sources.register(app, pilot_mail.SOURCE)
    mail_sources.register(app, company_mail.SOURCE)
