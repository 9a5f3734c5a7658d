"""Domain errors raised by services; the HTML and API layers turn them into responses."""
from community.i18n import plain


class ServiceError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str = "", fields: dict[str, str] | None = None):
        super().__init__(message)
        # Messages may be lazy translations, resolved when rendered in the user's locale.
        self.message = plain(message)
        self.fields = {name: plain(text) for name, text in (fields or {}).items()}

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "message": str(self.message),
            "fields": {name: str(text) for name, text in self.fields.items()},
        }


class ValidationError(ServiceError):
    status = 422
    code = "validation_error"


class InvalidInput(ValidationError):
    """Refused input of the newer APIs (Digital-Check, consultations, examples, events, mail settings),
    which promise 400 with the per-field messages; the older entry APIs answer 422 as documented."""

    status = 400


class PermissionDenied(ServiceError):
    status = 403
    code = "forbidden"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Conflict(ServiceError):
    status = 409
    code = "conflict"
