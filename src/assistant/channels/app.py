"""The application factory: one Flask app serving the API, the widget, the demo site, the staff
page and the chat webhooks, all over the same ``Assistant``."""

import dataclasses
import decimal
import uuid

from flask import Flask, current_app, request
from flask.json.provider import DefaultJSONProvider
from threadpoolctl import threadpool_limits
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from .. import jsoncodec, redis_client
from ..backoffice.locks import SharedConversationLocks
from ..core import Assistant
from ..curation.live import serve_published
from ..settings import Settings
from . import headers
from . import http_errors as errors
from .ratelimit import RateLimit
from .request import Request

PUBLIC_API = ("/api/v1/chat", "/api/v1/feedback", "/api/v1/tenants")


def create_app(settings: Settings | None = None, assistant: Assistant | None = None) -> Flask:
    settings = settings or Settings.load()
    # One thread of linear algebra per serving process: the server runs one worker per core, and
    # OpenBLAS would start a thread per core in each of them, which then compete with the other
    # workers (the chat served 6-8 % more requests a second under load without them).
    threadpool_limits(limits=1, user_api="blas")
    app = Flask(__name__, static_folder=None)
    app.request_class = Request
    app.json = FastJSON(app)
    app.json.ensure_ascii = False
    app.extensions["assistant_settings"] = settings
    app.extensions["assistant"] = assistant = assistant or Assistant.load(db=settings.database())
    app.extensions["live"] = live = serve_published(assistant, redis_url=settings.redis_url)
    if settings.redis_url:  # a conversation's turns, one at a time across the hosts sharing it
        assistant.locks = SharedConversationLocks(redis_client.connect(settings.redis_url))

    @app.before_request
    def serve_latest() -> None:  # every tenant's published version, in every worker
        live.refresh()

    app.extensions["chat_rate_limit"] = RateLimit(settings.rate_limit, settings.rate_limit_store())
    app.extensions["feedback_rate_limit"] = RateLimit(
        settings.feedback_rate_limit, settings.rate_limit_store(), scope="feedback"
    )
    errors.register(app)

    from .api import api

    app.register_blueprint(api)
    for name in ("knowledge", "site", "staff", "slack", "mattermost"):
        module = __import__(f"{__package__}.{name}", fromlist=["blueprint"])
        app.register_blueprint(module.blueprint)

    app.after_request(lambda response: cors(response, settings))
    headers.register(app)
    if settings.trusted_proxies:
        # Behind that many proxies, the client's address and scheme are the ones they forwarded:
        # the rate limits (chat, votes) then count visitors, not the proxy.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies)
    return app


class FastJSON(DefaultJSONProvider):
    """Flask's JSON, written and read by orjson, as the database's is (``jsoncodec``): Flask's
    output (keys sorted, compact, UTF-8); what orjson cannot read, json reads."""

    def dumps(self, obj, **kwargs) -> str:
        return super().dumps(obj, **kwargs) if kwargs else jsoncodec.dumps(obj, default=plain).decode()

    def loads(self, s, **kwargs):
        return super().loads(s, **kwargs) if kwargs else jsoncodec.loads(s)

    def response(self, *args, **kwargs):
        if self.compact is False or (self.compact is None and current_app.debug):  # indented, as Flask writes it
            return super().response(*args, **kwargs)
        body = jsoncodec.dumps(jsonify_argument(args, kwargs), default=plain)
        return current_app.response_class(body + b"\n", mimetype=self.mimetype)


def jsonify_argument(args: tuple, kwargs: dict):
    """What ``jsonify(*args, **kwargs)`` writes: one argument as it is, several as a list, keywords
    as an object, nothing as null."""
    if args and kwargs:
        raise TypeError("jsonify() takes arguments or keywords, not both")
    if len(args) == 1:
        return args[0]
    return list(args) if args else (kwargs or None)


def plain(value):
    """What orjson does not write by itself, written as Flask's own JSON writes it."""
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def cors(response, settings: Settings):
    """The public API answers a cross-origin page only if one of the tenants allows that origin
    (a tenant's widget on its own site); the same origin needs nothing."""
    origin = request.headers.get("Origin")
    if not origin or request.path not in PUBLIC_API:
        return response
    tenant = posted_tenant() if request.method == "POST" else None
    allowed = (
        settings.allowed_origins.get(tenant, [])
        if isinstance(tenant, str)
        else [o for origins in settings.allowed_origins.values() for o in origins]
    )
    if origin in allowed:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = "600"
    response.headers.add("Vary", "Origin")
    return response


def posted_tenant() -> str | None:
    """The tenant a posted body names, if it names one. A body refused for its size has none: the
    view's 413 is the response, with the headers of any tenant's origin."""
    try:
        return (request.json_object or {}).get("tenant")
    except HTTPException:
        return None
