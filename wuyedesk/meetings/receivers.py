"""What meetings registers at start-up: every write to its rows bumps its version, under which
the homes keep their meeting and notice figures (meetings.selectors.VERSION)."""

from wuyedesk.core import versions
from wuyedesk.meetings import models
from wuyedesk.meetings.selectors import VERSION

versions.bump_on_change(
    VERSION,
    models.MeetingSeries,
    models.Meeting,
    models.Attendee,
    models.ActionItem,
    models.AgendaItem,
    models.Decision,
    models.Notice,
    models.NoticeRecipient,
)
