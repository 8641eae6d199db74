"""Domain errors. The API layers turn them into their own error shapes."""

from __future__ import annotations


class RoostError(Exception):
    status = 400
    message = "bad request"

    def __init__(self, message: str | None = None, *, details: dict | None = None) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message
        self.details = details or {}


class Invalid(RoostError):
    status = 422
    message = "Validation failed"


class BadRequest(RoostError):
    status = 400


class NotAuthenticated(RoostError):
    status = 401
    message = "The access token is invalid"


class Forbidden(RoostError):
    status = 403
    message = "This action is not allowed"


class NotFound(RoostError):
    status = 404
    message = "Record not found"


class Conflict(RoostError):
    status = 409
    message = "Conflict"


class Gone(RoostError):
    status = 410
    message = "Gone"


class TooLarge(RoostError):
    status = 413
    message = "File is too large"


class RateLimited(RoostError):
    status = 429
    message = "Too many requests"


class Unavailable(RoostError):
    status = 503
    message = "Service unavailable"
