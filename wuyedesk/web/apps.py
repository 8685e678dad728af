from django.apps import AppConfig


class WebConfig(AppConfig):
    """The shell (docs/architecture.md): no tables; an app for its command `seed`."""

    name = "wuyedesk.web"
