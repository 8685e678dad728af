"""The hire (MGR-2): a candidate who accepted the offer becomes a staff member, through the
administrator's own staff write, and is assigned the induction courses (training)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import forget_cached_access
from wuyedesk.accounts.models import Staff
from wuyedesk.accounts.services import staff_hire
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record, diff_fields
from wuyedesk.properties.forms import StaffForm
from wuyedesk.recruitment.choices import OpeningStatus, Stage
from wuyedesk.recruitment.models import Candidate, Opening, StageRecord
from wuyedesk.recruitment.services import hired_count, invalid, require_manage
from wuyedesk.training.services import assign_induction

STAFF_FIELDS = ("name", "employee_no", "department", "communities", "hire_date")


def hire(*, by, candidate: Candidate, username: str, password: str, employee_no: str) -> Staff:
    """The candidate accepted the offer: their staff account is created the way the
    administrator creates one (`accounts.services.staff_hire`, the administrator's `StaffForm`
    with its username and initial password), with the offer's post, the opening's department
    and communities and the offer's start date as hire date; the induction courses are
    assigned; the opening is filled when its headcount is reached."""
    require_manage(by, candidate.opening)
    with transaction.atomic():
        locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if locked.stage != Stage.OFFER:
            raise invalid("stage", _("发出录用通知之后才能办理入职。"), "invalid_move")
        opening = Opening.objects.select_for_update().get(pk=locked.opening_id)
        if opening.status != OpeningStatus.OPEN:
            raise invalid("opening", _("该职位已不在招聘中。"), "not_open")
        form = _staff_form(by, locked, opening, username, password, employee_no)
        if not form.is_valid():
            raise _form_error(form)
        staff = staff_hire(by=by, form=form)
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            obj=staff,
            changes=diff_fields({}, model_to_dict(staff, fields=list(STAFF_FIELDS))),
            details={"candidate": locked.pk, "posts": form.cleaned_data["posts"]},
        )
        locked.stage, locked.staff = Stage.HIRED, staff
        locked.save(update_fields=["stage", "staff", "updated_at"])
        StageRecord.objects.create(
            candidate=locked, stage=Stage.HIRED, held_on=locked.start_date, by=by
        )
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=locked,
            changes={"stage": [Stage.OFFER.value, Stage.HIRED.value]},
            details={"staff": staff.pk},
        )
        if hired_count(opening) >= opening.headcount:
            opening.status, opening.closed_at = OpeningStatus.FILLED, timezone.now()
            opening.save(update_fields=["status", "closed_at"])
            audit_record(
                actor=by,
                action=AuditAction.UPDATE,
                obj=opening,
                changes={"status": [OpeningStatus.OPEN.value, OpeningStatus.FILLED.value]},
            )
        assign_induction(by=by, staff=staff)
        forget_cached_access(staff.user)
    return staff


def _staff_form(by, candidate, opening, username, password, employee_no) -> StaffForm:
    """The administrator's staff form, filled from the hire form, the offer and the opening,
    bound with the manager as its user (its pickers are the manager's scope)."""
    return StaffForm(
        data={
            "username": (username or "").strip(),
            "password": password or "",
            "name": candidate.name,
            "employee_no": (employee_no or "").strip(),
            "posts": [candidate.offer_post or opening.post],
            "department": opening.department_id,
            "communities": list(opening.communities.values_list("pk", flat=True)),
            "hire_date": candidate.start_date.isoformat() if candidate.start_date else "",
        },
        user=by,
    )


# The hire form's fields; the staff form's others come from the candidate and the opening.
HIRE_FIELDS = ("username", "password", "employee_no")


def _form_error(form) -> ValidationError:
    """The staff form's errors named by the hire's fields (the rest say what is wrong)."""
    errors = {}
    for field, items in form.errors.as_data().items():
        # The others come from the opening (its department, communities) or the offer.
        name = field if field in HIRE_FIELDS else "opening"
        for item in items:
            message = " ".join(item.messages)
            if field in form.fields and name == "opening":
                message = f"{form.fields[field].label}: {message}"
            errors.setdefault(name, []).append(ValidationError(message, code=item.code))
    return ValidationError(errors)
