"""Errors raised by the domain and the services.

Every error carries a message meant for a person; the API turns them into
RFC 9457 problem details, the CLI into a message on stderr and exit code 1.
"""

from __future__ import annotations


class SoldeError(Exception):
    """Base of every expected, user-facing error."""

    code = "error"

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(SoldeError):
    """A value is wrong: names the field when there is one."""

    code = "invalid"


class NotFound(SoldeError):
    code = "not_found"


class PermissionDenied(SoldeError):
    code = "forbidden"


class Conflict(SoldeError):
    """The action contradicts the current state (issued invoice, payment used up...)."""

    code = "conflict"


class InputError(ValidationError):
    """Bad input in a file: names the file, the line and the column."""

    code = "bad_input"

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: str | None = None,
    ):
        self.file = file
        self.line = line
        self.column = column
        where = ", ".join(
            part
            for part in (
                file,
                f"line {line}" if line is not None else None,
                f"column {column!r}" if column else None,
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message, field=column)
        self.reason = message

    def __reduce__(self):
        # Rebuilt with its parts (it crosses processes when files are read in parallel).
        return (
            _input_error,
            (self.reason, self.file, self.line, self.column),
        )

    def located(self, *, file: str | None = None) -> InputError:
        """The same error, with the file name filled in."""
        return InputError(self.reason, file=file or self.file, line=self.line, column=self.column)


def _input_error(reason: str, file: str | None, line: int | None, column: str | None):
    return InputError(reason, file=file, line=line, column=column)
