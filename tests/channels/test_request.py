"""The request's JSON object (channels/request.py): what werkzeug's get_json would give, read in one step."""

import io

import flask
import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.test import EnvironBuilder

from assistant.channels.request import MAX_BODY, Request


def environ(raw: bytes, content_type: str | None = "application/json", **extra) -> dict:
    headers = {"Content-Type": content_type} if content_type else {}
    env = EnvironBuilder(method="POST", data=raw, headers=headers).get_environ()
    return {**env, **extra}


def by_werkzeug(env: dict):
    """The specification: Flask's own request, its limit set as ours, read with get_json."""
    request = flask.Request(env)
    request.max_content_length = MAX_BODY
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # Python's json, outside the application, where FastJSON refuses it
        return None
    return data if isinstance(data, dict) else None


def both(raw: bytes, content_type: str | None = "application/json", **extra):
    ours = Request(environ(raw, content_type, **extra)).json_object
    return ours, by_werkzeug(environ(raw, content_type, **extra))


@pytest.mark.parametrize(
    "raw, content_type, expected",
    [
        (b'{"tenant": "exo", "message": "bonjour"}', "application/json", {"tenant": "exo", "message": "bonjour"}),
        (b'{"a": 1}', "application/json; charset=utf-8", {"a": 1}),
        (b'{"a": 1}', "Application/JSON", {"a": 1}),
        (b'{"a": 1}', "application/vnd.api+json", {"a": 1}),  # werkzeug's reading: another JSON type
        ('\ufeff{"a": "é"}'.encode(), "application/json", {"a": "é"}),  # a byte order mark
        (b'{"s": "\\ud800"}', "application/json", {"s": "\ud800"}),  # a lone surrogate: json reads it
        (b'{"a": 1}', "text/plain", None),  # not announced as JSON
        (b'{"a": 1}', None, None),
        (b"[1, 2]", "application/json", None),  # JSON, but not an object
        (b'"texte"', "application/json", None),
        (b"{not json", "application/json", None),
        (b'{"a": "\xff"}', "application/json", None),  # not UTF-8
        (b"", "application/json", None),
        (b"[" * 5000 + b"]" * 5000, "application/json", None),  # nested too deep: refused, not a crash
    ],
)
def test_the_json_object_is_what_werkzeug_reads(raw, content_type, expected):
    assert both(raw, content_type) == (expected, expected)


@given(
    st.one_of(
        st.binary(max_size=200),
        st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=4).map(
            lambda d: flask.json.dumps(d).encode()
        ),
    ),
    st.sampled_from(["application/json", "application/json;charset=UTF-8", "text/plain", "application/x+json"]),
)
def test_any_body_reads_as_werkzeug_reads_it(raw, content_type):
    ours, theirs = both(raw, content_type)
    assert ours == theirs


def test_a_chunked_body_is_read_by_werkzeug():
    raw = b'{"a": 1}'
    env = environ(raw, **{"wsgi.input_terminated": True, "HTTP_TRANSFER_ENCODING": "chunked"})
    del env["CONTENT_LENGTH"]
    assert Request(env).json_object == {"a": 1}


def test_a_body_past_the_limit_is_refused_with_a_413():
    raw = b'{"a": "' + b"x" * MAX_BODY + b'"}'
    with pytest.raises(RequestEntityTooLarge):
        _ = Request(environ(raw)).json_object


def test_no_more_than_the_announced_length_is_read():
    env = environ(b'{"a": 1}')
    env["wsgi.input"] = io.BytesIO(b'{"a": 1}{"next": "request"}')
    assert Request(env).json_object == {"a": 1}
    assert env["wsgi.input"].read() == b'{"a": 1}'


def test_the_body_read_can_still_be_read_through_werkzeug():
    request = Request(environ(b'{"a": 1}'))
    assert request.json_object == {"a": 1}
    assert request.get_data() == b'{"a": 1}' and request.get_json() == {"a": 1}


def test_a_body_werkzeug_has_read_is_read_from_werkzeug():
    request = Request(environ(b'{"a": 1}'))
    assert request.get_data() == b'{"a": 1}'  # as a signature check reads it first
    assert request.json_object == {"a": 1}


def test_a_view_may_set_its_own_limit():
    request = Request(environ(b'{"a": "' + b"x" * 100 + b'"}'))
    request.max_content_length = 50
    with pytest.raises(RequestEntityTooLarge):
        _ = request.json_object
