"""The domains of crossover and their blueprints, registered in one place."""
from flask import Flask

from crossover import auth, catalogue

MODULES = (auth, catalogue)


def register_blueprints(app: Flask, api) -> None:
    from crossover.extensions import csrf

    # Models of every domain must be imported before the mappers configure.
    from crossover import audit  # noqa: F401

    for module in MODULES:
        api.register_blueprint(module.api_blp)
        csrf.exempt(module.api_blp)  # the API authenticates by bearer token, not cookie
        app.register_blueprint(module.pages_bp)
