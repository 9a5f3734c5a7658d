"""Kommunalnetz: the application factory."""
from pathlib import Path

from flask import Flask, g, has_request_context, session
from flask_login import current_user

from community.config import BASE_DIR, Config
from community.extensions import babel, csrf, db, limiter, login_manager, migrate, socketio


def create_app(config: type[Config] | dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
        instance_path=str(BASE_DIR / "instance"),
    )
    from community.i18n import JSONProvider

    app.json = JSONProvider(app)
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    Path(app.instance_path).mkdir(exist_ok=True)
    from community import startup

    startup.check(app)  # refuses to start without SECRET_KEY or with the default PUBLIC_URL (production)
    _configure_hosts(app)

    from community import models  # noqa: F401  (registers every table)

    _init_extensions(app)
    from community.operations.wiring import init_app as init_operations

    init_operations(app)  # logging first: what the rest logs at start is already JSON
    from community.validation import BoundedRequest, IdConverter

    app.url_map.converters["int"] = IdConverter  # before the routes: every <int:...> is bounded
    app.request_class = BoundedRequest  # urlencoded forms bounded by MAX_FORM_PARTS like multipart ones
    _register_blueprints(app)
    _register_template_helpers(app)

    from community.cli import register_cli

    register_cli(app)
    return app


def _configure_hosts(app: Flask) -> None:
    """One public URL for every absolute link; Host headers naming anything else get 400; the client
    address from X-Forwarded-For behind TRUSTED_PROXIES proxies."""
    from community.links import trusted_hosts

    app.config["PUBLIC_URL"] = app.config["PUBLIC_URL"].rstrip("/")
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:  # the client's address as the proxies saw it, not the proxy's (login throttling, limits)
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config["PUBLIC_URL"], app.config["TRUSTED_HOSTS_EXTRA"])
    if not app.config.get("SERVER_NAME"):
        # Background jobs and CLI commands have no request: url_for builds their links (notifications of a
        # reminder, a follow-up) from the public address. Since Flask 3.1 this no longer restricts which
        # hosts requests may name; TRUSTED_HOSTS does that.
        from urllib.parse import urlsplit

        public = urlsplit(app.config["PUBLIC_URL"])
        app.config.update(SERVER_NAME=public.netloc, APPLICATION_ROOT=public.path or "/",
                          PREFERRED_URL_SCHEME=public.scheme or "https")


def _select_locale() -> str:
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands have no session and no signed-in user
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    # API clients authenticate per request by token; browsers through the session.
    user = g.get("api_user") or current_user
    if user and user.is_authenticated and user.locale in languages:
        return user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=_select_locale,
        default_translation_directories=str(BASE_DIR / "community" / "translations"),
    )
    app.config["RATELIMIT_ENABLED"] = app.config["RATE_LIMITS_ENABLED"]
    limiter.init_app(app)
    # Socket handlers must be defined before the first init_app: Flask-SocketIO keeps a handler for
    # later apps (every test app) only if it was defined while no server existed yet.
    from community.forums import events as _forum_events  # noqa: F401
    from community.rooms import events as _room_events  # noqa: F401

    from community.sockets import client_manager

    socketio.init_app(
        app,
        # Always given: Flask-SocketIO would otherwise keep the previous app's manager.
        client_manager=client_manager(app.config["REDIS_URL"], app),
        async_mode=app.config.get("SOCKETIO_ASYNC_MODE"),
        max_http_buffer_size=app.config.get("SOCKETIO_MAX_BUFFER", 64 * 1024),
    )

    from community import jobs

    jobs.init_app(app)

    from community.auth import oidc

    oidc.init_app(app)  # OpenID providers from OIDC_PROVIDERS; a broken setting stops the start here

    from community.auth.services import load_user_from_session_id

    login_manager.user_loader(load_user_from_session_id)

    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please log in to see this page.")


def _register_blueprints(app: Flask) -> None:
    # A feature's package holds only its blueprint and its rules, so importing one of its modules (its
    # models, say) never loads its views and all they import: the views are loaded here, at the top.
    from community.account import bp as account_bp
    from community.account import routes as _account_views  # noqa: F401
    from community.api import bp as api_bp
    from community.api import consultations as _api_consultations  # noqa: F401
    from community.api import digitalcheck as _api_digitalcheck  # noqa: F401
    from community.api import entries as _api_entries  # noqa: F401
    from community.api import events as _api_events  # noqa: F401
    from community.api import examples as _api_examples  # noqa: F401
    from community.api import forums as _api_forums  # noqa: F401  (forums, reports, moderation)
    from community.api import insights as _api_insights  # noqa: F401
    from community.api import mail as _api_mail  # noqa: F401  (the token user's mail settings)
    from community.api import moderation as _api_moderation  # noqa: F401
    from community.api import notifications as _api_notifications  # noqa: F401
    from community.api import rooms as _api_rooms  # noqa: F401
    from community.api import routes as _api_views  # noqa: F401  (the document, organisations)
    from community.api import suggestions as _api_suggestions  # noqa: F401  (suggestions, search, contacts)
    from community.attachments import api as _api_attachments  # noqa: F401
    from community.attachments import bp as attachments_bp
    from community.attachments import hooks as _attachments_hooks  # noqa: F401  (published with the example)
    from community.attachments import routes as _attachments_views  # noqa: F401
    from community.auth import bp as auth_bp
    from community.auth import routes as _auth_views  # noqa: F401
    from community.consultations import bp as consultations_bp
    from community.cooperation import bp as cooperation_bp
    from community.cooperation import api as _cooperation_api  # noqa: F401
    from community.cooperation import hooks as _cooperation_hooks  # noqa: F401  (need page, Lagebild, shared room)
    from community.cooperation import routes as _cooperation_views  # noqa: F401
    from community.consultations import routes as _consultations_views  # noqa: F401
    from community.digitalcheck import bp as digitalcheck_bp
    from community.digitalcheck import routes as _digitalcheck_views  # noqa: F401
    from community.digitalcheck import builtin_sources as _digitalcheck_sources  # noqa: F401  (recommendations)
    from community.digitalcheck import hooks as _digitalcheck_hooks  # noqa: F401  (start panel, need origin)
    from community.consultations import hooks as _consultations_hooks  # noqa: F401  (start page step)
    from community.joining import hooks as _joining_hooks  # noqa: F401  (start panel of a pending join request)
    from community.mail import hooks as _mail_hooks  # noqa: F401  (failed mails on the admins' start page)
    from community.moderation import hooks as _moderation_hooks  # noqa: F401  (the moderators' queue)
    from community.organisations import hooks as _organisations_hooks  # noqa: F401  (start page profile steps)
    from community.suggestions import hooks as _suggestions_hooks  # noqa: F401  (start page step and panel)
    from community.events import bp as events_bp
    from community.examples import bp as examples_bp
    from community.forums import bp as forums_bp
    from community.forums import routes as _forums_views  # noqa: F401
    from community.insights import bp as insights_bp
    from community.insights import routes as _insights_views  # noqa: F401
    from community.joining import bp as joining_bp
    from community.joining import routes as _joining_views  # noqa: F401
    from community.legal import bp as legal_bp
    from community.legal import routes as _legal_views  # noqa: F401
    from community.main import bp as main_bp
    from community.main import routes as _main_views  # noqa: F401
    from community.members import bp as members_bp
    from community.members import routes as _members_views  # noqa: F401
    from community.moderation import bp as moderation_bp
    from community.moderation import routes as _moderation_views  # noqa: F401
    from community.notifications import bp as notifications_bp
    from community.notifications import matches as _match_notices  # noqa: F401  (the signal receiver)
    from community.notifications import routes as _notifications_views  # noqa: F401
    from community.operations import bp as operations_bp
    from community.operations import routes as _operations_views  # noqa: F401
    from community.organisations import bp as organisations_bp
    from community.organisations import routes as _organisations_views  # noqa: F401
    from community.profiles import bp as profiles_bp
    from community.profiles import routes as _profiles_views  # noqa: F401
    from community.rooms import bp as rooms_bp
    from community.rooms import membership as _room_membership  # noqa: F401  (ends memberships with the organisation's)
    from community.rooms import routes as _rooms_views  # noqa: F401
    from community.search import bp as search_bp
    from community.search import routes as _search_views  # noqa: F401
    from community.suggestions import bp as suggestions_bp
    from community.suggestions import routes as _suggestions_views  # noqa: F401
    from community.mail import bp as mail_bp
    from community.programmes import bp as programmes_bp
    from community.programmes import api as _programmes_api  # noqa: F401
    from community.useradmin import bp as useradmin_bp
    from community.useradmin import routes as _useradmin_views  # noqa: F401

    app.register_blueprint(main_bp)
    app.register_blueprint(operations_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(profiles_bp)
    app.register_blueprint(members_bp)
    app.register_blueprint(suggestions_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(rooms_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(forums_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(joining_bp)
    app.register_blueprint(legal_bp)
    app.register_blueprint(consultations_bp)
    app.register_blueprint(cooperation_bp)
    app.register_blueprint(insights_bp)
    app.register_blueprint(digitalcheck_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(examples_bp)
    app.register_blueprint(attachments_bp)
    app.register_blueprint(mail_bp)
    app.register_blueprint(programmes_bp)
    app.register_blueprint(useradmin_bp)
    from community.mail.routes import one_click_unsubscribe

    csrf.exempt(one_click_unsubscribe)  # RFC 8058: mail clients POST without a session; the link is signed
    # The API authenticates by bearer token only, never by cookie, so CSRF cannot reach it.
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)


def _register_template_helpers(app: Flask) -> None:
    from community import policy, taxonomy

    @app.context_processor
    def inject_helpers():
        return {
            "can": lambda action, target=None: policy.can(current_user, action, target),
            "taxonomy": taxonomy,
            "current_locale": _select_locale(),
        }

    @app.after_request
    def security_headers(response):
        # Everything is served from our own origin; forbid the rest.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

