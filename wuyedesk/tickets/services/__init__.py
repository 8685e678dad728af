"""Every change to a ticket: permission, validation, the change, its timeline row — one
transaction — and notifications after the commit. Views, API, commands and tasks call these.

Concurrency: a service that is given `version` (the version the person saw) refuses with
TicketConflict when somebody changed the ticket meanwhile, so no update is ever lost.

One module per part of the work; this package names them all, so callers write
`services.ticket_create(...)`:
- base: who may act, the version check, the timeline row, clocks, search text
- intake: a contact becomes a ticket; the customer named afterwards
- dispatch: handing a ticket to a department and its answer
- complaint: report, investigation, decision, measures, feedback, return visit
- workflow: follow-up, reopen, close, comment, assign, merge, link, acknowledge
- incident: one event, many tickets
- replies: the customer's own actions and what arrives by mail
- repeat: the caller rings again about a ticket still open (intake's duplicates)
"""

from wuyedesk.tickets.attachments import attachment_add
from wuyedesk.tickets.services.base import (
    DESK_POSTS,
    INTAKE_POSTS,
    MANAGER_POSTS,
    TicketConflict,
    is_desk,
    is_manager,
    managers_of,
    recompute_clocks,
    refresh_search_text,
)
from wuyedesk.tickets.services.complaint import (
    may_mark_measure_done,
    measure_mark,
    ticket_decide,
    ticket_escalate,
    ticket_feedback,
    ticket_investigate,
    ticket_return_visit,
)
from wuyedesk.tickets.services.dispatch import (
    dispatch_reply,
    is_dispatch_department,
    may_answer_dispatches,
    may_work_dispatch,
    ticket_transfer,
)
from wuyedesk.tickets.services.incident import (
    incident_create,
    incident_link,
    incident_update,
    may_run_incidents,
)
from wuyedesk.tickets.services.intake import (
    may_record_contacts,
    ticket_create,
    ticket_link_resident,
    ticket_receive,
    ticket_submit,
)
from wuyedesk.tickets.services.repeat import ticket_add_contact
from wuyedesk.tickets.services.replies import (
    ticket_call_record,
    ticket_customer_record,
    ticket_customer_reply,
    ticket_mail_reply,
    ticket_system_note,
)
from wuyedesk.tickets.services.workflow import (
    Step,
    close_blockers,
    pending_steps,
    ticket_acknowledge,
    ticket_acknowledge_receipt,
    ticket_assign,
    ticket_close,
    ticket_comment,
    ticket_follow_up,
    ticket_link,
    ticket_merge,
    ticket_reopen,
)

__all__ = [
    "DESK_POSTS",
    "INTAKE_POSTS",
    "MANAGER_POSTS",
    "Step",
    "TicketConflict",
    "attachment_add",
    "close_blockers",
    "dispatch_reply",
    "incident_create",
    "incident_link",
    "incident_update",
    "is_desk",
    "is_dispatch_department",
    "is_manager",
    "managers_of",
    "may_answer_dispatches",
    "may_mark_measure_done",
    "may_record_contacts",
    "may_run_incidents",
    "may_work_dispatch",
    "measure_mark",
    "pending_steps",
    "recompute_clocks",
    "refresh_search_text",
    "ticket_acknowledge",
    "ticket_acknowledge_receipt",
    "ticket_add_contact",
    "ticket_assign",
    "ticket_call_record",
    "ticket_close",
    "ticket_comment",
    "ticket_create",
    "ticket_customer_record",
    "ticket_customer_reply",
    "ticket_decide",
    "ticket_escalate",
    "ticket_feedback",
    "ticket_follow_up",
    "ticket_investigate",
    "ticket_link",
    "ticket_link_resident",
    "ticket_mail_reply",
    "ticket_merge",
    "ticket_receive",
    "ticket_reopen",
    "ticket_return_visit",
    "ticket_submit",
    "ticket_system_note",
    "ticket_transfer",
]
