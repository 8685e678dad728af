"""The rate limits of the portal sign-up (#11 point 2), shared by its pages and its API.
The rates are company settings; `Throttled` becomes 429 with Retry-After in the API, and a
message on the page's form."""

from wuyedesk.lib.throttle import throttle
from wuyedesk.properties.services import company_get


def signup_attempt(request) -> None:
    """One sign-up (page or API) from this client address."""
    throttle(request, group="portal-signup", rate=company_get().rate_signup)


def code_send(request, phone: str) -> None:
    """One one-time code sent: counted per client address and per mobile number."""
    company = company_get()
    throttle(request, group="signup-code-address", rate=company.rate_code_per_address)
    throttle(request, group="signup-code-number", rate=company.rate_code_per_number, value=phone)
