"""Unbound extension singletons, attached to the app in create_app."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from crossover.db import Base
from crossover.web.api import Api

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
api = Api()
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address)
