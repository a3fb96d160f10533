"""The failures the app tells apart.

Init errors stop the function before it serves anything: the handler logs
them once as "init failed" (a metric filter can count that line) and raises
them to the runtime. Request errors are the caller's: answered with their
status and a JSON body, never logged with the caller's data. One class per
status; each code's status is declared in the contract, and a code raised
with the wrong class fails at once.
"""

from .contract import ERRORS


class InitError(RuntimeError):
    """Init cannot go on: the message says what to fix."""


class ModelLoadError(InitError):
    """The model cannot be fetched, verified or loaded; the message names where it was expected."""


class ConfigError(InitError):
    """An environment setting the app reads is malformed; the message names it."""


class RequestError(Exception):
    """The caller's fault: answered with `status` and `{"error": code, "message": message}`."""

    status = 400

    def __init__(self, code: str, message: str):
        super().__init__(message)
        if ERRORS.get(code) != self.status:
            raise AssertionError(f"error code {code!r} is not a {self.status} in contract.json")
        self.code = code
        self.message = message


class BadRequest(RequestError):
    """The request's content is wrong (400)."""

    status = 400


class Forbidden(RequestError):
    """A queued message that names an S3 location outside what the function may read or write (403)."""

    status = 403


class NotFound(RequestError):
    """A route, model or model version this function does not serve (404)."""

    status = 404


class MethodNotAllowed(RequestError):
    """An HTTP request with a method the route does not take (405)."""

    status = 405


class Unprocessable(RequestError):
    """A well-formed request the model cannot answer with finite numbers (422)."""

    status = 422


class ServerError(RequestError):
    """The model failed on a queued message (500): retried, then dead-lettered."""

    status = 500


class BadGateway(RequestError):
    """S3 refused to give a message's input or take its result (502): retried, then dead-lettered."""

    status = 502
