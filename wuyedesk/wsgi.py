import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuyedesk.settings")
application = get_wsgi_application()

# What a page would otherwise load on its first request: jieba's dictionary for the survey
# analysis (3-4 s), once per web process as it starts (issue #12 point 9).
from wuyedesk.reports.survey_themes import load_dictionary  # noqa: E402  (after setup)

load_dictionary()
