"""The application's request: Flask's, with the body read as a JSON object in one step.

werkzeug's ``get_json`` is a large share of what the chat endpoint costs beyond Flask itself: it
reads the Content-Type and Content-Length through the headers' view of the environ, which raises and
catches a KeyError for each header a request lacks; the body through a LimitedStream, whose read
loops until the stream ends; the size limit and the decoder through ``current_app``, a proxy. The
usual body, ``application/json`` with its length announced and within the limit, is read here from
the WSGI input in one call of exactly that length, as WSGI allows an application to read it (what
that saved is in CHANGES.md). Every other body (chunked, of unknown length, too long, another JSON
type) goes to ``get_json``, which answers 413 past the limit.
"""

import io

import flask
from werkzeug.utils import cached_property

from .. import jsoncodec

MAX_BODY = 16 * 1024


class Request(flask.Request):
    # A class attribute: Flask's default reads MAX_CONTENT_LENGTH from current_app's config, through
    # the proxy, on every request. A view may still set its own limit on its request.
    max_content_length = MAX_BODY

    @cached_property
    def json_object(self) -> dict | None:
        """The body if it is a JSON object; None if it is any other JSON value, or not JSON."""
        length = self._announced_json_length()
        data = self.get_json(silent=True) if length is None else self._read_json(length)
        return data if isinstance(data, dict) else None

    def _announced_json_length(self) -> int | None:
        """The body's length, if the request announces a JSON body within the limit, not chunked,
        and werkzeug has not begun to read it (``stream`` is its cached property: a signature check's
        ``get_data`` has the body, and ``get_json`` reads it from there)."""
        environ = self.environ
        length = environ.get("CONTENT_LENGTH", "")
        if (
            not (length.isascii() and length.isdigit())
            or "HTTP_TRANSFER_ENCODING" in environ
            or "stream" in self.__dict__
        ):
            return None
        size = int(length)
        mimetype = environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
        return size if size <= (self.max_content_length or size) and mimetype == "application/json" else None

    def _read_json(self, length: int):
        raw = self.environ["wsgi.input"].read(length)
        self.environ["wsgi.input"] = io.BytesIO(raw)  # so that werkzeug still finds the body if asked
        try:
            return jsoncodec.loads(raw)
        except ValueError:  # malformed, or not UTF-8 (UnicodeDecodeError)
            return None
