"""The knowledge base under /api/v1/knowledge: every staff member reads and searches; the
manager and assistants write."""

from django.forms.models import model_to_dict
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError

from wuyedesk.tickets.api import ACTION_ERRORS, ERRORS, keyset_page, pick, require_staff
from wuyedesk.tickets.categories import active_categories
from wuyedesk.tickets.knowledge import schemas
from wuyedesk.tickets.knowledge import services as knowledge
from wuyedesk.tickets.knowledge.forms import KnowledgeArticleForm

router = Router(tags=["knowledge"])


@router.get("", response={200: schemas.KnowledgePage, **ERRORS}, operation_id="knowledge_list")
def knowledge_list(request, filters: Query[schemas.KnowledgeFilters]):
    """Standard answers containing every word of `q`, of a category (its parent, children)."""
    require_staff(request)
    user = request.auth
    category = pick(active_categories().select_related("parent"), filters.category, "category")
    queryset = knowledge.articles_visible_to(user).select_related("updated_by__staff")
    if not (filters.archived and knowledge.may_edit_articles(user)):
        queryset = queryset.filter(active=True)
    queryset = knowledge.article_filter(queryset, filters.q or "", category)
    return keyset_page(queryset, filters.limit, filters.cursor)


@router.get("/{pk}", response={200: schemas.KnowledgeOut, **ERRORS}, operation_id="knowledge_get")
def knowledge_get(request, pk: int):
    require_staff(request)
    return knowledge.article_get_for_user(request.auth, pk)


def _article_save(request, article, data: dict):
    form = KnowledgeArticleForm(data, instance=article, user=request.auth)
    saved = knowledge.article_save(by=request.auth, form=form)
    return knowledge.article_get_for_user(request.auth, saved.pk)


@router.post("", response={201: schemas.KnowledgeOut, **ERRORS}, operation_id="knowledge_create")
def knowledge_create(request, payload: schemas.KnowledgeIn):
    """A new standard answer (manager, assistant)."""
    require_staff(request)
    return Status(201, _article_save(request, None, payload.model_dump()))


@router.patch(
    "/{pk}", response={200: schemas.KnowledgeOut, **ACTION_ERRORS}, operation_id="knowledge_update"
)
def knowledge_update(request, pk: int, payload: schemas.KnowledgePatch):
    """A new version of the answer (manager, assistant); a stale `version` is a 409."""
    require_staff(request)
    article = knowledge.article_get_for_user(request.auth, pk)
    if payload.version is not None and payload.version != article.version:
        raise HttpError(409, _("该条目已被他人修改,请刷新后重试。"))
    data = model_to_dict(article, fields=list(KnowledgeArticleForm.base_fields))
    data.update({k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None})
    data["seen_version"] = data.pop("version", None) or article.version
    return _article_save(request, article, data)
