from wuyedesk.tickets.tests.conftest import call, categories  # noqa: F401  (shared fixtures)
