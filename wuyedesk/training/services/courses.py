"""Courses (MGT-4, MGT-5): created and changed by the organisers (the manager, the
assistant); induction courses are mandatory and taken once; a regular mandatory course may
be renewed every so many months."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.training.choices import COURSE_POSTS, CourseKind
from wuyedesk.training.models import Course
from wuyedesk.training.services.common import hours_value, invalid, require_organiser, text_value

FIELDS = (
    "title",
    "kind",
    "description",
    "mandatory",
    "posts",
    "hours",
    "pass_mark",
    "recurrence_months",
    "position",
)


def _int_or_none(value, field, low, high, message):
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise invalid(field, message) from None
    if number < low or number > high:
        raise invalid(field, message)
    return number


def _clean(values: dict, *, course=None) -> dict:
    title = text_value(values.get("title"), "title", max_length=80, message=_("请填写课程名称。"))
    taken = Course.objects.filter(title=title)
    if course is not None:
        taken = taken.exclude(pk=course.pk)
    if taken.exists():
        raise invalid("title", _("已有同名课程。"), "unique")
    kind = values.get("kind")
    if kind not in CourseKind.values:
        raise invalid("kind", _("请选择培训类型。"))
    posts = list(dict.fromkeys(str(p) for p in (values.get("posts") or [])))
    allowed = {str(p) for p in COURSE_POSTS}
    if any(p not in allowed for p in posts):
        raise invalid("posts", _("请选择适用岗位。"), "invalid_choice")
    mandatory = bool(values.get("mandatory", True))
    pass_mark = _int_or_none(
        values.get("pass_mark"), "pass_mark", 0, 100, _("及格分须为 0 到 100 的整数。")
    )
    recurrence = _int_or_none(
        values.get("recurrence_months"),
        "recurrence_months",
        1,
        120,
        _("复训周期须为 1 到 120 个月。"),
    )
    if kind == CourseKind.INDUCTION and not mandatory:
        raise invalid("mandatory", _("入职培训均为必修课程。"))
    if recurrence is not None and (kind == CourseKind.INDUCTION or not mandatory):
        raise invalid("recurrence_months", _("只有定期必修课程才设复训周期;入职培训通过一次即可。"))
    position = _int_or_none(values.get("position"), "position", 0, 999, _("排序须为 0 到 999。"))
    return {
        "title": title,
        "kind": kind,
        "description": (values.get("description") or "").strip(),
        "mandatory": mandatory,
        "posts": posts,
        "hours": hours_value(values.get("hours")),
        "pass_mark": pass_mark,
        "recurrence_months": recurrence,
        "position": position or 0,
    }


def _jsonable(value):
    return value if value is None or isinstance(value, (bool, int, str, list)) else str(value)


@transaction.atomic
def course_create(*, by, **values) -> Course:
    require_organiser(by)
    data = _clean(values)
    course = Course.objects.create(created_by=by, **data)
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        obj=course,
        changes={name: [None, _jsonable(data[name])] for name in ("title", "kind", "mandatory")},
    )
    return course


@transaction.atomic
def course_update(*, by, course, **values) -> Course:
    """Change a course (every field given; see FIELDS). Passes already recorded keep their
    result; a changed pass mark applies to results recorded after it."""
    require_organiser(by)
    course = Course.objects.select_for_update().get(pk=course.pk)
    merged = {name: getattr(course, name) for name in FIELDS} | values
    data = _clean(merged, course=course)
    changes = {
        name: [_jsonable(getattr(course, name)), _jsonable(value)]
        for name, value in data.items()
        if getattr(course, name) != value
    }
    if not changes:
        return course
    for name, value in data.items():
        setattr(course, name, value)
    course.save()
    audit_record(actor=by, action=AuditAction.UPDATE, obj=course, changes=changes)
    return course


@transaction.atomic
def course_archive(*, by, course, restore: bool = False) -> Course:
    """Stop a course (it no longer counts as due, nor for the induction gate), or restore it."""
    require_organiser(by)
    course = Course.objects.select_for_update().get(pk=course.pk)
    if restore == (course.archived_at is None):
        return course
    course.archived_at = None if restore else timezone.now()
    course.save(update_fields=["archived_at"])
    audit_record(
        actor=by, action=AuditAction.RESTORE if restore else AuditAction.ARCHIVE, obj=course
    )
    return course
