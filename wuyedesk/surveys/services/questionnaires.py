"""Questionnaires, their versions, sections and questions; the departments of dimensions."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.surveys.choices import (
    QuestionKind,
)
from wuyedesk.surveys.models import (
    Dimension,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Section,
)
from wuyedesk.surveys.services.common import SurveyRefused, invalid, require_survey_admin


def _require_draft(version: QuestionnaireVersion) -> None:
    if version.published_at is not None:
        raise SurveyRefused(
            "published", _("已发布的问卷版本不能修改;请基于它新建一个版本。"), status=409
        )


def questionnaire_create(*, by, code: str, title: str, title_en: str = "") -> QuestionnaireVersion:
    """A new questionnaire with an empty draft version 1."""
    require_survey_admin(by)
    code = (code or "").strip().upper()
    if not code:
        raise invalid("code", _("请填写编码。"), "required")
    if not (title or "").strip():
        raise invalid("title", _("请填写标题。"), "required")
    if Questionnaire.objects.filter(code=code).exists():
        raise invalid("code", _("该编码已被使用。"), "duplicate")
    with transaction.atomic():
        questionnaire = Questionnaire.objects.create(
            code=code, title=title.strip(), title_en=(title_en or "").strip(), created_by=by
        )
        version = QuestionnaireVersion.objects.create(
            questionnaire=questionnaire, number=1, created_by=by
        )
        audit_record(actor=by, action=AuditAction.CREATE, obj=questionnaire)
    return version


def version_new_draft(*, by, version: QuestionnaireVersion) -> QuestionnaireVersion:
    """A new draft copied from a published version; the existing draft if there is one."""
    require_survey_admin(by)
    draft = QuestionnaireVersion.objects.filter(
        questionnaire_id=version.questionnaire_id, published_at__isnull=True
    ).first()
    if draft is not None:
        return draft
    with transaction.atomic():
        last = (
            QuestionnaireVersion.objects.filter(questionnaire_id=version.questionnaire_id)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        new = QuestionnaireVersion.objects.create(
            questionnaire_id=version.questionnaire_id,
            number=last + 1,
            intro=version.intro,
            intro_en=version.intro_en,
            script=version.script,
            script_en=version.script_en,
            created_by=by,
        )
        for section in version.sections.prefetch_related("questions"):
            copy = Section.objects.create(
                version=new,
                position=section.position,
                title=section.title,
                title_en=section.title_en,
            )
            for q in section.questions.all():
                Question.objects.create(
                    version=new,
                    section=copy,
                    position=q.position,
                    code=q.code,
                    kind=q.kind,
                    text=q.text,
                    text_en=q.text_en,
                    required=q.required,
                    dimension_id=q.dimension_id,
                    is_overall=q.is_overall,
                    choices=q.choices,
                )
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            obj=new,
            changes={"from_version": [None, version.number]},
        )
    return new


def version_update(
    *, by, version: QuestionnaireVersion, intro="", intro_en="", script="", script_en=""
):
    require_survey_admin(by)
    _require_draft(version)
    version.intro, version.intro_en = intro, intro_en
    version.script, version.script_en = script, script_en
    version.save(update_fields=["intro", "intro_en", "script", "script_en"])
    return version


def section_save(
    *,
    by,
    version: QuestionnaireVersion,
    title: str,
    title_en: str = "",
    position=None,
    section=None,
) -> Section:
    require_survey_admin(by)
    _require_draft(version)
    if not (title or "").strip():
        raise invalid("title", _("请填写标题。"), "required")
    if section is None:
        section = Section(version=version)
        if position is None:
            position = version.sections.count() + 1
    elif section.version_id != version.pk:
        raise PermissionDenied
    section.title, section.title_en = title.strip(), (title_en or "").strip()
    if position is not None:
        section.position = position
    section.save()
    return section


def _clean_choices(kind: str, raw) -> list[dict]:
    if kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return []
    items = []
    if isinstance(raw, str):
        # One option a line: "中文 | English | value" (English and value optional).
        for n, line in enumerate(line for line in raw.splitlines() if line.strip()):
            parts = [part.strip() for part in line.split("|")]
            items.append(
                {
                    "value": (parts[2] if len(parts) > 2 and parts[2] else f"o{n + 1}"),
                    "zh": parts[0],
                    "en": parts[1] if len(parts) > 1 else "",
                }
            )
    else:
        for n, item in enumerate(raw or []):
            items.append(
                {
                    "value": str(item.get("value") or f"o{n + 1}"),
                    "zh": str(item.get("zh", "")).strip(),
                    "en": str(item.get("en", "")).strip(),
                }
            )
    if len(items) < 2 or any(not i["zh"] for i in items):
        raise invalid("choices", _("选择题至少需要两个选项,每个选项要有中文文字。"), "choices")
    if len({i["value"] for i in items}) != len(items):
        raise invalid("choices", _("选项的值不能重复。"), "choices")
    return items


def question_save(
    *,
    by,
    section: Section,
    code: str,
    kind: str,
    text: str,
    text_en: str = "",
    required: bool = True,
    dimension: Dimension | None = None,
    is_overall: bool = False,
    choices=None,
    position=None,
    question: Question | None = None,
) -> Question:
    require_survey_admin(by)
    version = section.version
    _require_draft(version)
    code = (code or "").strip()
    if not code:
        raise invalid("code", _("请填写编码。"), "required")
    if kind not in QuestionKind.values:
        raise invalid("kind", _("题型无效。"), "invalid_choice")
    if not (text or "").strip():
        raise invalid("text", _("请填写题目。"), "required")
    if is_overall and kind != QuestionKind.RATING:
        raise invalid("is_overall", _("总体满意度题必须是 1–5 分评分题。"), "overall_kind")
    if dimension is not None and kind != QuestionKind.RATING:
        raise invalid("dimension", _("只有 1–5 分评分题可以对应服务维度。"), "dimension_kind")
    others = Question.objects.filter(version=version)
    if question is not None:
        if question.version_id != version.pk:
            raise PermissionDenied
        others = others.exclude(pk=question.pk)
    if others.filter(code=code).exists():
        raise invalid("code", _("本版本已有同一编码的题目。"), "duplicate")
    if is_overall and others.filter(is_overall=True).exists():
        raise invalid("is_overall", _("每个版本只能有一道总体满意度题。"), "duplicate")
    cleaned = _clean_choices(kind, choices)
    question = question or Question()
    if position is None and question.pk is None:
        position = section.questions.count() + 1
    question.section = section
    question.code, question.kind = code, kind
    question.text, question.text_en = text.strip(), (text_en or "").strip()
    question.required, question.dimension = bool(required), dimension
    question.is_overall, question.choices = bool(is_overall), cleaned
    if position is not None:
        question.position = position
    question.save()
    return question


def question_delete(*, by, question: Question) -> None:
    require_survey_admin(by)
    _require_draft(question.version)
    question.delete()


def section_delete(*, by, section: Section) -> None:
    require_survey_admin(by)
    _require_draft(section.version)
    section.delete()


def version_publish(*, by, version: QuestionnaireVersion) -> QuestionnaireVersion:
    """Freeze the version. It needs questions and exactly one overall-satisfaction question."""
    require_survey_admin(by)
    _require_draft(version)
    questions = list(version.questions.all())
    if not questions:
        raise invalid("questions", _("问卷还没有题目,不能发布。"), "empty")
    if sum(q.is_overall for q in questions) != 1:
        raise invalid("is_overall", _("发布前请指定一道总体满意度题。"), "overall_missing")
    with transaction.atomic():
        claimed = QuestionnaireVersion.objects.filter(
            pk=version.pk, published_at__isnull=True
        ).update(published_at=timezone.now(), published_by=by)
        if not claimed:
            raise SurveyRefused("published", _("该版本已经发布。"))
        version.refresh_from_db()
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=version,
            changes={"published_at": [None, str(version.published_at)]},
        )
    return version


def dimension_set_department(*, by, dimension: Dimension, department) -> Dimension:
    require_survey_admin(by)
    before = dimension.department_id
    dimension.department = department
    dimension.save(update_fields=["department"])
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=dimension,
        changes={"department": [before, department.pk if department else None]},
    )
    return dimension
