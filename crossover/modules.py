"""The domains of crossover and their blueprints, registered in one place; and the studies
plugged into the collection rooms below them (register_studies)."""

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
from crossover.auth import accounts
from crossover.catalogue import labels as catalogue_labels
from crossover.company import api as company_api
from crossover.company import (
    csv_template as company_csv_template,  # noqa: F401  (routes on company pages)
)
from crossover.company import dashboard as company_dashboard
from crossover.company import instrument_use as company_instrument_use
from crossover.company import links as company_links
from crossover.company import mail as company_mail
from crossover.company import models as company_models  # noqa: F401  (mapped for migrations)
from crossover.company import pages as company_pages
from crossover.company import results_api as company_results_api
from crossover.instruments import in_use
from crossover.instruments import labels as instrument_labels
from crossover.ops import audit_log, mail_page
from crossover.ops import views as ops_views
from crossover.outbox import models as outbox_models  # noqa: F401  (mapped for migrations)
from crossover.outbox import sources as mail_sources
from crossover.outbox import templating as mail_templating
from crossover.pilots import instrument_use as pilot_instrument_use
from crossover.pilots import mail as pilot_mail
from crossover.pilots import survey_links as pilot_survey_links
from crossover.surveys import kinds as survey_kinds

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
    audit_log,
    company_results_api,
    company_api,
    company_pages,
    company_dashboard,
    focus,
    mail_page,
    ops_views,
)

# Rooms that lend every page helpers: option and subscale names (which the request edge's
# messages use too) and the mail progress block.
PAGE_HELPERS = (catalogue_labels, instrument_labels, mail_templating)

# The studies the collection rooms serve: (survey-link kind, mail source, frozen instruments).
STUDIES = (
    (pilot_survey_links.PILOT_LINKS, pilot_mail.SOURCE, pilot_instrument_use.frozen_instrument_ids),
    (
        company_links.COMPANY_LINKS,
        company_mail.SOURCE,
        company_instrument_use.frozen_instrument_ids,
    ),
)


def register_studies(app: Flask) -> None:
    """Plug the studies into the collection rooms, which import none of them: their kinds of
    survey link, their survey mail and the instruments they freeze. Pilots first: a token is
    looked up, and due mail found and queued, in this order. Registering again changes nothing."""
    for links, mail, frozen_instrument_ids in STUDIES:
        survey_kinds.register(app, links)
        mail_sources.register(app, mail)
        in_use.register_instrument_users(app, frozen_instrument_ids)


def register_blueprints(app: Flask, api) -> None:
    from crossover.extensions import csrf

    register_studies(app)
    for module in MODULES:  # a module brings an API blueprint, a pages blueprint, or both
        if (api_blp := getattr(module, "api_blp", None)) is not None:
            api.register_blueprint(api_blp)
            csrf.exempt(api_blp)  # the API authenticates by bearer token, not cookie
        if (pages_bp := getattr(module, "pages_bp", None)) is not None:
            app.register_blueprint(pages_bp)
    for helpers in PAGE_HELPERS:
        helpers.init_app(app)
