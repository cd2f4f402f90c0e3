"""JSON as the assistant writes it, to its database and to HTTP clients alike: keys sorted, compact,
UTF-8 unescaped. orjson writes it in a sixth of json's time (it runs on every reply: the session's
state saved, the reply sent); what orjson refuses, json writes, escaped in ASCII: a lone surrogate,
an integer past 64 bits. Reading is the same: orjson, then json for what orjson refuses."""

import json

import orjson

# Dates and dataclasses are handed to ``default``, as json does, so that a caller decides how they read.
OPTIONS = (
    orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
)


def dumps(value, default=None) -> bytes:
    """``value`` as JSON; ``default`` turns what JSON has no type for into something it has."""
    try:
        return orjson.dumps(value, default=default, option=OPTIONS)
    except TypeError:  # orjson.JSONEncodeError
        return json.dumps(value, default=default, sort_keys=True, separators=(",", ":")).encode()


def loads(data: bytes | str):
    """The value ``data`` holds. orjson reads it; what orjson refuses, json reads as Flask would:
    lone surrogates, NaN, JSON nested deeper than 1,024 levels. (orjson reads integers past 64 bits
    as floats: no field of the API takes a number.) Invalid JSON raises ValueError, even when nested
    thousands deep, where json would exhaust the stack."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
