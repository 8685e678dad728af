"""Survey pages, one module per part: `campaigns`, `calls` (the phone survey, SPE-4),
`questionnaires` and `answers` (the email link and the portal). The URLconf names them
through this package."""

from wuyedesk.surveys.views.answers import answer_portal, answer_token, unsubscribe
from wuyedesk.surveys.views.calls import call_list, call_page
from wuyedesk.surveys.views.campaigns import (
    campaign_action,
    campaign_calculator,
    campaign_detail,
    campaign_list,
    campaign_new,
    campaign_progress,
)
from wuyedesk.surveys.views.questionnaires import (
    dimension_department,
    questionnaire_list,
    questionnaire_new,
    version_action,
    version_detail,
)

__all__ = [
    "answer_portal",
    "answer_token",
    "call_list",
    "call_page",
    "campaign_action",
    "campaign_calculator",
    "campaign_detail",
    "campaign_list",
    "campaign_new",
    "campaign_progress",
    "dimension_department",
    "questionnaire_list",
    "questionnaire_new",
    "unsubscribe",
    "version_action",
    "version_detail",
]
