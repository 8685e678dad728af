"""/api/v1/company: the company settings (name, contact, the trust controls: posts allowed to
reveal, export and required to use two-factor login, idle timeout, access-log retention and
the rate limits). The system administrator only; anyone else gets 403.

A PATCH goes through the same form and service as the settings page (`/settings/company/`):
the same field errors (422 naming the field, nothing saved) and an audit row of the change.
"""

from django.forms.models import model_to_dict
from ninja import Field, Router, Schema

from wuyedesk.accounts.access import require_post
from wuyedesk.accounts.choices import Post
from wuyedesk.api.schemas import ErrorOut
from wuyedesk.properties import services
from wuyedesk.properties.forms import CompanyForm

router = Router(tags=["company"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
RATE = "count/window, e.g. 20/10m (20 per 10 minutes), 5/h, 100/d"


class CompanyOut(Schema):
    name: str
    short_name: str
    phone: str
    email: str
    address: str
    reveal_posts: list[Post]
    export_posts: list[Post]
    two_factor_posts: list[Post]
    idle_timeout_minutes: int
    access_log_retention_days: int
    rate_login: str = Field(..., description=f"failed logins per client address; {RATE}")
    rate_signup: str = Field(..., description=f"portal sign-ups per client address; {RATE}")
    rate_code_per_number: str = Field(..., description=f"codes per mobile number; {RATE}")
    rate_code_per_address: str = Field(..., description=f"codes per client address; {RATE}")
    rate_password_reset: str = Field(
        ..., description=f"reset mails per e-mail and per client address; {RATE}"
    )
    rate_survey_link: str = Field(
        ..., description=f"anonymous survey link requests per client address; {RATE}"
    )
    rate_metrics: str = Field(
        ..., description=f"reads of /system/metrics per client address; {RATE}"
    )


class CompanyPatch(Schema):
    """Only the fields sent change; the others keep their values."""

    name: str | None = Field(None, max_length=100)
    short_name: str | None = Field(None, max_length=40)
    phone: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    address: str | None = Field(None, max_length=200)
    reveal_posts: list[Post] | None = None
    export_posts: list[Post] | None = None
    two_factor_posts: list[Post] | None = None
    idle_timeout_minutes: int | None = Field(None, ge=0, le=32767)
    access_log_retention_days: int | None = Field(None, ge=0, le=32767)
    rate_login: str | None = Field(None, max_length=16)
    rate_signup: str | None = Field(None, max_length=16)
    rate_code_per_number: str | None = Field(None, max_length=16)
    rate_code_per_address: str | None = Field(None, max_length=16)
    rate_password_reset: str | None = Field(None, max_length=16)
    rate_survey_link: str | None = Field(None, max_length=16)
    rate_metrics: str | None = Field(None, max_length=16)


@router.get("", response={200: CompanyOut, **ERRORS}, operation_id="company_get")
def company_get(request):
    require_post(request.auth, Post.ADMIN)
    return services.company_get()


@router.patch("", response={200: CompanyOut, **ERRORS}, operation_id="company_update")
def company_update(request, payload: CompanyPatch):
    """Change some settings. A bad value answers 422 naming the field; nothing is saved."""
    require_post(request.auth, Post.ADMIN)
    company = services.company_get()
    data = model_to_dict(company, fields=CompanyForm.Meta.fields)
    data.update(payload.model_dump(mode="json", exclude_unset=True))
    form = CompanyForm(data, instance=company, user=request.auth)
    return services.company_update(by=request.auth, form=form)
