"""The failures the app tells apart.

Init errors stop the function before it serves anything: the app logs them once as "init failed"
(a metric filter counts that line) and raises them to the runtime. Request errors answer one request
(or one queued message, one batch row): a ClientError is the caller's to fix (4xx), never logged with
the caller's data; a ServerError is ours or a dependency's (5xx), which the alarms count. One class
per status; each code's status is declared in the contract, and a code raised with the wrong class
fails at once.
"""

from .contract import ERRORS


class InitError(RuntimeError):
    """Init cannot go on: the message says what to fix."""


class ModelLoadError(InitError):
    """The model cannot be fetched, verified or loaded; the message names where it was expected."""


class ConfigError(InitError):
    """An environment setting the app reads is malformed; the message names it."""


class RequestError(Exception):
    """A request that gets an error answer: `status` and `{"error": code, "message": message}` (each
    protocol shapes its own body)."""

    status = 400

    def __init__(self, code: str, message: str):
        super().__init__(message)
        if ERRORS.get(code) != self.status:
            raise AssertionError(f"error code {code!r} is not a {self.status} in contract.json")
        self.code = code
        self.message = message


class ClientError(RequestError):
    """The caller's fault (4xx): the answer says what to fix."""


class BadRequest(ClientError):
    """The request's content is wrong (400)."""

    status = 400


class Forbidden(ClientError):
    """A queued message or batch that names an S3 location outside what the function may read or write (403)."""

    status = 403


class NotFound(ClientError):
    """A route, model or model version this function does not serve (404)."""

    status = 404


class MethodNotAllowed(ClientError):
    """An HTTP request with a method the route does not take (405)."""

    status = 405


class Conflict(ClientError):
    """A queued message whose output already holds another message's result (409)."""

    status = 409


class Unprocessable(ClientError):
    """A well-formed request the model cannot answer with finite numbers (422)."""

    status = 422


class ServerError(RequestError):
    """Ours, or a dependency's (5xx): counted by the alarms; a queued message is retried, then dead-lettered."""

    status = 500


class InternalError(ServerError):
    """The model failed on a request or a queued message (500)."""

    status = 500


class BadGateway(ServerError):
    """S3 refused to give a message's input or take its result (502)."""

    status = 502


class Unavailable(ServerError):
    """A model of a function with many that could not be loaded (503): that model only; tried again later."""

    status = 503
