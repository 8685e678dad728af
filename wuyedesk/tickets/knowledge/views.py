"""Knowledge-base pages: every staff member reads; manager and assistants write."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuyedesk.accounts.decorators import staff_required
from wuyedesk.core.form_errors import FormInvalid
from wuyedesk.lib.text import without_controls
from wuyedesk.tickets.categories import active_categories, category_label
from wuyedesk.tickets.choices import Kind
from wuyedesk.tickets.knowledge import services
from wuyedesk.tickets.knowledge.forms import KnowledgeArticleForm

PAGE_SIZE = 50


def _int(value):
    try:
        return int(value) if value else None
    except (TypeError, ValueError):
        return None


@staff_required
def knowledge_list(request):
    may_edit = services.may_edit_articles(request.user)
    q = request.GET.get("q", "").strip()
    categories = list(active_categories().select_related("parent").order_by("position", "code"))
    category = next((c for c in categories if c.pk == _int(request.GET.get("category"))), None)
    archived = may_edit and request.GET.get("archived") == "1"
    articles = services.articles_visible_to(request.user).select_related("updated_by__staff")
    if not archived:
        articles = articles.filter(active=True)
    articles = services.article_filter(articles, q, category).order_by("category__position", "id")
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "tickets/knowledge_list.html",
        {
            "page": page,
            "q": q,
            "category": category,
            "categories": [(c, category_label(c)) for c in categories],
            "archived": archived,
            "may_edit": may_edit,
            "query": query.urlencode(),
            "title": _("知识库"),
        },
    )


@staff_required
def knowledge_detail(request, pk):
    article = services.article_get_for_user(request.user, pk)
    return render(
        request,
        "tickets/knowledge_detail.html",
        {
            "article": article,
            "revisions": services.article_revisions(article),
            "may_edit": services.may_edit_articles(request.user),
            "title": article.question,
        },
    )


def _edit(request, article=None):
    if not services.may_edit_articles(request.user):
        raise PermissionDenied
    if article is not None and not article.active:
        messages.error(request, _("条目已停用,请先恢复再编辑。"))
        return redirect("knowledge_detail", pk=article.pk)
    if request.method == "POST":
        form = KnowledgeArticleForm(request.POST, instance=article, user=request.user)
        try:
            saved = services.article_save(by=request.user, form=form)
        except FormInvalid as invalid:
            form = invalid.form
            messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
        else:
            messages.success(request, _("已保存(第 %(version)s 版)。") % {"version": saved.version})
            return redirect("knowledge_detail", pk=saved.pk)
    else:
        initial = {"category": _int(request.GET.get("category"))} if article is None else None
        form = KnowledgeArticleForm(instance=article, initial=initial, user=request.user)
    return render(
        request,
        "tickets/knowledge_form.html",
        {
            "form": form,
            "article": article,
            "title": _("编辑知识库条目") if article else _("新建知识库条目"),
        },
    )


@staff_required
def knowledge_create(request):
    return _edit(request)


@staff_required
def knowledge_edit(request, pk):
    return _edit(request, services.article_get_for_user(request.user, pk))


@staff_required
@require_POST
def knowledge_archive(request, pk):
    article = services.article_get_for_user(request.user, pk)
    archive = request.POST.get("restore") != "1"
    services.article_archive(by=request.user, article=article, archive=archive)
    messages.success(request, _("已停用。") if archive else _("已恢复。"))
    return redirect("knowledge_detail", pk=article.pk)


@staff_required
@require_POST
def knowledge_suggest(request):
    """Answers for text being typed (an inquiry's description at intake): an htmx partial.
    POST, because what a caller said may hold personal data that must stay out of URLs."""
    if request.POST.get("kind", Kind.INQUIRY) != Kind.INQUIRY:
        articles = []
    else:
        typed = request.POST.get("description") or request.POST.get("q", "")
        articles = services.article_suggest(without_controls(typed))
    return render(request, "tickets/knowledge_suggestions.html", {"articles": articles})
