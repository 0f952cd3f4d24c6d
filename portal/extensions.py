"""Flask extensions, created here and bound to the app in create_app() (the database connections' own
set-up, pool checks included, is machinery/database.py)."""
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

from .machinery import limit_storage  # noqa: F401  (registers the worker-memory:// scheme)


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True)  # SQLite needs batch mode for ALTER
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()  # every state-changing form carries a token
# Limits are declared per route (search, download); storage comes from RATELIMIT_STORAGE_URI
# (worker-memory:// is registered by importing limit_storage).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
