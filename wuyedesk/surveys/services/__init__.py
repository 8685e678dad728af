"""Every change to surveys: permission, validation, the change and its audit row in one
transaction, side effects (mail) after the commit. Views, API, tasks and seeding call these.

One module per part: `questionnaires`, `campaigns`, `invitations` (the email channel and the
anonymous link), `answers` (link, portal and phone; call attempts). The names below are the
ones callers use: `from wuyedesk.surveys import services` keeps working."""

from wuyedesk.surveys.services.answers import (
    PHONE_POSTS,
    answer_by_phone,
    answer_by_resident,
    answer_by_token,
    call_attempt_record,
    invitation_assign,
    resident_may_answer,
    validate_answers,
)
from wuyedesk.surveys.services.campaigns import (
    ROLE_ORDER,
    campaign_auto_create,
    campaign_close,
    campaign_create,
    campaign_open,
    close_expired,
    households,
    period_of,
    propose_sample,
)
from wuyedesk.surveys.services.common import SurveyRefused, require_survey_admin
from wuyedesk.surveys.services.invitations import (
    check_answerable,
    invitation_by_token,
    invitation_link,
    opt_out,
    send_invitations,
    send_invitations_task,
    send_pending_invitations,
    send_reminders,
    survey_link_check,
    unsubscribe_link,
)
from wuyedesk.surveys.services.questionnaires import (
    dimension_set_department,
    question_delete,
    question_save,
    questionnaire_create,
    section_delete,
    section_save,
    version_new_draft,
    version_publish,
    version_update,
)

__all__ = [
    "PHONE_POSTS",
    "ROLE_ORDER",
    "SurveyRefused",
    "answer_by_phone",
    "answer_by_resident",
    "answer_by_token",
    "call_attempt_record",
    "campaign_auto_create",
    "campaign_close",
    "campaign_create",
    "campaign_open",
    "check_answerable",
    "close_expired",
    "dimension_set_department",
    "households",
    "invitation_assign",
    "invitation_by_token",
    "invitation_link",
    "opt_out",
    "period_of",
    "propose_sample",
    "question_delete",
    "question_save",
    "questionnaire_create",
    "require_survey_admin",
    "resident_may_answer",
    "section_delete",
    "section_save",
    "send_invitations",
    "send_invitations_task",
    "send_pending_invitations",
    "send_reminders",
    "survey_link_check",
    "unsubscribe_link",
    "validate_answers",
    "version_new_draft",
    "version_publish",
    "version_update",
]
