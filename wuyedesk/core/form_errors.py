"""A service's refusal on a form: the one way pages show a ValidationError from a service."""

from django.core.exceptions import ValidationError


class FormInvalid(Exception):
    """Raised by a service when input does not validate; carries the bound form for re-display."""

    def __init__(self, form):
        super().__init__("invalid input")
        self.form = form


def add_service_error(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the fields it names; the rest (and an error that
    names no field) goes above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)
