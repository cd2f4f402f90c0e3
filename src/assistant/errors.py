"""Errors a caller can show as they are: each says what went wrong in the visitor's language."""


class AssistantError(Exception):
    status = 400

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class UnknownTenant(AssistantError):
    status = 404


class MessageTooLong(AssistantError):
    status = 413


class Unavailable(AssistantError):
    """Something the reply needs is unreachable for now (the shared Redis): the client may try again."""

    status = 503
