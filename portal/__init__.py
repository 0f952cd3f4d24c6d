"""开放数据门户 — application factory."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext

from .config import Config, check_settings
from .extensions import babel, csrf, db, limiter, login_manager, migrate
from .i18n import babel_locale, refresh_locale


def create_app(config: Any = None) -> Flask:
    """Build the portal: extensions, backends, blueprints, error handlers, CLI."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static", instance_relative_config=False)
    app.config.from_object(config or Config())
    app.config.update(check_settings(app.config))  # deadlines and periods: whole numbers, or no start
    from .machinery import statics

    statics.init_app(app)  # fingerprinted static URLs; pages gzip'd after every other after_request step
    from .deployment import check_limit_storage

    check_limit_storage(app.config, app.logger)  # several gunicorn workers count limits in one place
    from .security import install_url_converters

    install_url_converters(app)
    Path(app.config["DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    logging.getLogger("jieba").setLevel(logging.WARNING)

    from . import models  # noqa: F401  (every table registered before migrate/create_all)
    from .audit import models as audit_models

    audit_models.init_app(app)  # audit events are append-only in the ORM too
    from .feedback.safeguards import check_settings as check_safeguard_settings

    check_safeguard_settings(app.config)  # the complaint burst rule and the registration and complaint limits

    from .machinery import database

    database.install_listeners()  # SQLite pragmas, pooled connections checked by their socket
    db.init_app(app)
    database.safe_session_teardown(app, db)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = lazy_gettext("Please log in to see this page.")
    csrf.init_app(app)
    babel.init_app(app, locale_selector=babel_locale,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    # The locale is chosen per request, even when an outer app context (tests, CLI) outlives requests.
    app.before_request(refresh_locale)
    limiter.init_app(app)

    from . import pagecache
    from .search import load_backend
    from . import storage

    from .catalog.filters import FACET_FIELDS, INDEX_ONLY_FIELDS

    app.extensions["search"] = load_backend(app.config, FACET_FIELDS, tuple(INDEX_ONLY_FIELDS))
    storage.init_app(app)  # the uploaded files and, apart, the copies derived from them
    pagecache.init_app(app)  # the site generation moves with every visible write; the shared store

    from .accounts import permissions

    permissions.init_app(app)  # a session names the user and its session version; the API's token its caller

    from .accounts.views import bp as accounts_bp
    from .agencies.views import bp as agencies_bp
    from .audit.views import bp as audit_bp
    from .audit.views import public_bp as audit_public_bp
    from .backup.views import bp as backup_bp
    from .catalog.api import bp as catalog_api_bp
    from .catalog.console import bp as console_bp
    from .catalog.review_views import bp as review_bp
    from .catalog.views import bp as catalog_bp
    from .disputes.views import bp as disputes_bp
    from .discovery.views import bp as discovery_bp
    from .feedback.views import bp as feedback_bp
    from .datarequests.views import bp as datarequests_bp
    from .inbox.views import bp as inbox_bp
    from .legal.views import bp as legal_bp
    from .exports.views import bp as exports_bp
    from .opening.views import bp as opening_bp
    from .plans.views import bp as plans_bp
    from .reassessment.views import bp as reassessment_bp
    from .sharing.dispute_views import bp as sharing_disputes_bp
    from .sharing.catalog_views import bp as sharing_catalog_bp
    from .sharing.figures_views import bp as sharing_figures_bp
    from .sharing.demand_views import bp as sharing_demands_bp
    from .sharing.views import bp as sharing_bp
    from .statistics.views import bp as statistics_bp
    from .supervision.views import bp as supervision_bp
    from .web import bp as web_bp
    from .withdrawal.views import bp as withdrawals_bp
    from .triggers.views import bp as triggers_bp
    from .assets.views import bp as assets_bp
    from .operation.views import bp as operation_bp
    from .evaluation.views import bp as evaluation_bp
    from .follows.views import bp as follows_bp
    from .follows import events as follow_events
    from .personal.views import bp as personal_bp
    from .sitepages.views import bp as sitepages_bp
    from .reuses.views import bp as reuses_bp

    app.register_blueprint(web_bp)
    app.register_blueprint(follows_bp)
    follow_events.init_app(app)  # follows are told from the change history and the inbox notices
    app.register_blueprint(legal_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(catalog_bp)
    app.register_blueprint(agencies_bp)
    app.register_blueprint(console_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(plans_bp)
    app.register_blueprint(inbox_bp)
    app.register_blueprint(opening_bp)
    app.register_blueprint(supervision_bp)
    app.register_blueprint(sharing_catalog_bp)
    app.register_blueprint(sharing_figures_bp)
    app.register_blueprint(feedback_bp)
    app.register_blueprint(sharing_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(audit_public_bp)
    app.register_blueprint(backup_bp)
    app.register_blueprint(catalog_api_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(sharing_disputes_bp)
    app.register_blueprint(sharing_demands_bp)
    app.register_blueprint(statistics_bp)
    app.register_blueprint(reassessment_bp)
    app.register_blueprint(withdrawals_bp)
    app.register_blueprint(disputes_bp)
    app.register_blueprint(triggers_bp)
    app.register_blueprint(assets_bp)
    app.register_blueprint(operation_bp)
    app.register_blueprint(evaluation_bp)
    app.register_blueprint(datarequests_bp)
    app.register_blueprint(personal_bp)
    app.register_blueprint(sitepages_bp)
    app.register_blueprint(reuses_bp)
    app.register_blueprint(discovery_bp)
    from .tables.views import bp as tables_bp

    app.register_blueprint(tables_bp)
    csrf.exempt(catalog_api_bp)  # API writes need a read-write token instead (see accounts.tokens)
    from .api.ckan.views import bp as ckan_api_bp
    from .api.v1 import bp as api_v1_bp
    from .api.views import bp as developers_bp

    for api_bp in (api_v1_bp, ckan_api_bp):  # token or anonymous; nothing reads the session's CSRF token
        app.register_blueprint(api_bp)
        csrf.exempt(api_bp)
    app.register_blueprint(developers_bp)
    from .api.limits import check_blueprint_limits_only_where_declared

    check_blueprint_limits_only_where_declared(app)

    from .errors import register_error_handlers
    from .security import register_security_headers
    from .templating import register_template_helpers

    register_error_handlers(app)
    register_template_helpers(app)
    from . import legal

    legal.init_app(app)
    register_security_headers(app)
    from .audit.access import capture
    from .audit.services import log_request_access

    # Who is asking, read before any other before_request function can refuse the request (access.py);
    # then every request to a traced path (API, downloads, console and account pages) is an access event.
    app.before_request_funcs.setdefault(None, []).insert(0, capture)
    app.after_request(log_request_access)

    from .cli import portal_cli

    app.cli.add_command(portal_cli)

    from .catalog import indexing

    indexing.init_app(app)  # index changes recorded with each flush, applied after the request

    from .tables import services as tables

    tables.init_app(app)  # a derived table queued with each tabular file version, derived after the request

    from .request_line import Utf8RequestLine

    app.wsgi_app = Utf8RequestLine(app.wsgi_app)  # type: ignore[method-assign]  (raw UTF-8 in addresses)
    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]
    return app
