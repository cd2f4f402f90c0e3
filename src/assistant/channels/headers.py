"""The browser's security headers on every response of the application, set by one after_request hook.

Pages (the demo site, the staff page) get a Content-Security-Policy that runs only the application's
own script and style files: no inline script, no inline style, no ``javascript:`` URL, nothing from
another origin. Everything else (JSON, the widget's and pages' files, errors) gets a policy that
allows nothing at all. No response may be framed (clickjacking), sniffed as another type, or send a
Referer. Responses of staff views — the staff page and every staff API endpoint, marked with
``for_staff`` — hold customers' data and are never stored by a browser or a shared cache.
"""

from flask import Flask, request

PAGE_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # data: for the pages' empty favicon, which spares a request
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"
EVERY_RESPONSE = [
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),  # frame-ancestors, for browsers that predate it
    ("Referrer-Policy", "no-referrer"),
]
PAGE_HEADERS = [("Content-Security-Policy", PAGE_POLICY), *EVERY_RESPONSE]
DATA_HEADERS = [("Content-Security-Policy", DATA_POLICY), *EVERY_RESPONSE]


def for_staff(view):
    """Mark a view whose responses carry staff data: they get ``Cache-Control: no-store``."""
    view.for_staff = True
    return view


def register(app: Flask) -> None:
    """Add the headers to every response of ``app``; call it once its blueprints are registered."""
    staff_endpoints = frozenset(name for name, view in app.view_functions.items() if getattr(view, "for_staff", False))

    def secure(response):
        headers = response.headers
        headers.extend(PAGE_HEADERS if response.mimetype == "text/html" else DATA_HEADERS)
        if request.endpoint in staff_endpoints:  # their refusals (401, 403, 404) too
            headers["Cache-Control"] = "no-store"
        return response

    app.after_request(secure)
