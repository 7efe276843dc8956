"""Errors that name the field at fault. The API turns them into 4xx answers with `loc`; pages show them
beside the field."""

from __future__ import annotations

from django.utils.functional import Promise


class FieldError(Exception):
    status = 400

    def __init__(
        self,
        field: str,
        message: str | Promise,
        code: str = "invalid",
        status: int | None = None,
        where: str = "body",
    ) -> None:
        super().__init__(str(message))
        self.where = where  # the part of the request the field is in: "body" or "query"
        if status is not None:
            self.status = status
        self.field = field
        self.message = str(message)
        self.code = code


class FieldPermissionDenied(FieldError):
    """The user may change the object but not this field (for example a canteen changing its own grade)."""

    status = 403

    def __init__(self, field: str, message: str | Promise) -> None:
        super().__init__(field, message, code="permission_denied")


class Conflict(FieldError):
    status = 409

    def __init__(self, field: str, message: str | Promise) -> None:
        super().__init__(field, message, code="conflict")
