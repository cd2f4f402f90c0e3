"""Every error is JSON ``{"error": {"code", "message"}}`` with a 4xx status; never an HTML page. An
error may say more in fields of its own (a refused change its ``field``, a refused publish its
``problems``)."""

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from ..backoffice.store import StoreUnavailable
from ..errors import AssistantError

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, **details):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def error(status: int, code: str, message: str, **details):
    return jsonify({"error": {"code": code, "message": message, **details}}), status


def register(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(e: ApiError):
        return error(e.status, e.code, e.message, **e.details)

    @app.errorhandler(AssistantError)
    def assistant_error(e: AssistantError):
        return error(e.status, e.code, e.message)

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        code = (e.name or "error").lower().replace(" ", "_")
        body, status = error(e.code or 400, code, e.description or e.name)
        for name, value in e.get_headers():  # a 405's Allow, a 429's Retry-After
            if name != "Content-Type":
                body.headers[name] = value
        return body, status

    @app.errorhandler(StoreUnavailable)
    def store_unavailable(e: StoreUnavailable):  # a database server restarting: nothing was half-written
        log.warning("database unavailable: %s", e)
        body, status = error(503, "unavailable", "The service is briefly unavailable: please try again in a moment.")
        body.headers["Retry-After"] = "2"
        return body, status

    @app.errorhandler(Exception)
    def unexpected(e: Exception):  # a bug: logged, and the client still gets JSON
        log.exception("unexpected error")
        return error(500, "internal_error", "Something went wrong on our side.")
