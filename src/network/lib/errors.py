"""The application's error hierarchy; mapped to HTTP in one place (server/errors.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ("Conflict", "DomainError", "Forbidden", "InvalidInput", "NotFound")


class DomainError(Exception):
    """Base of the errors services raise; ``status_code`` is the HTTP status it maps to."""

    status_code = 400

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        source: str | None = None,
        errors: Sequence[Mapping[str, object]] = (),
        **extra: object,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.source = source
        self.extra = extra
        # Every problem when there are several (each a dict with at least "field" and
        # "message"); empty when the one above is the only one.
        self.errors = [dict(error) for error in errors]


class InvalidInput(DomainError):
    """The request is well-formed but a value is not acceptable (names the field)."""

    status_code = 400


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    """The change clashes with what is stored (a taken slot, a stale version)."""

    status_code = 409
