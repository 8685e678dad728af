"""Pages of the customer archive (AST-1): the list (optionally of one room or resident), a
document with its file and destruction, the upload form, the monthly list of documents due
for destruction and the document types. Files go out through `core.downloads`."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuyedesk.accounts.decorators import staff_required
from wuyedesk.archive import selectors, services
from wuyedesk.archive.forms import DestroyForm, FilterForm, TypeForm, UploadForm
from wuyedesk.archive.models import DocumentType
from wuyedesk.core.downloads import uploaded_file
from wuyedesk.core.form_errors import FormInvalid, add_service_error
from wuyedesk.lib.dates import month_end
from wuyedesk.lib.paging import page_of
from wuyedesk.properties.selectors import active_residents, active_rooms

PAGE = 50


def _reader(request) -> None:
    if not selectors.may_read(request.user):
        raise PermissionDenied


def _keeper(request) -> None:
    if not selectors.may_keep(request.user):
        raise PermissionDenied


@staff_required
def document_list(request):
    _reader(request)
    form = FilterForm(request.GET or None)
    qs = selectors.documents_visible_to(request.user)
    owner = None
    if form.is_valid():
        data = form.cleaned_data
        qs = selectors.filter_documents(qs, doc_type=data["doc_type"], state=data["state"])
        if data["room"]:
            owner = get_object_or_404(active_rooms(request.user), pk=data["room"])
            qs = qs.filter(room=owner)
        elif data["resident"]:
            owner = get_object_or_404(active_residents(request.user), pk=data["resident"])
            qs = qs.filter(resident=owner)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "archive/list.html",
        {
            "form": form,
            "page": page_of(qs.order_by("-id"), request.GET.get("page"), PAGE),
            "query": query.urlencode(),
            "owner": owner,
            "can_keep": selectors.may_keep(request.user),
            "title": _("客户档案"),
        },
    )


@staff_required
def document_upload(request):
    _keeper(request)
    initial = {"room": request.GET.get("room"), "resident": request.GET.get("resident")}
    form = UploadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.document_upload(
                by=request.user,
                doc_type_id=data["doc_type"].pk,
                title=data["title"],
                upload=data["file"],
                room_id=data["room"],
                resident_id=data["resident"],
                note=data["note"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("档案已保存。"))
            return redirect("archive_detail", document.pk)
    rooms = active_rooms(request.user)
    residents = active_residents(request.user)
    room_id, resident_id = form["room"].value(), form["resident"].value()
    return render(
        request,
        "archive/upload.html",
        {
            "form": form,
            "room": rooms.filter(pk=room_id).first() if str(room_id).isdigit() else None,
            "resident": (
                residents.filter(pk=resident_id).first() if str(resident_id).isdigit() else None
            ),
            "title": _("上传客户档案"),
        },
    )


def _document(request, pk):
    return get_object_or_404(selectors.documents_visible_to(request.user), pk=pk)


@staff_required
def document_detail(request, pk):
    _reader(request)
    document = _document(request, pk)
    can_keep = selectors.may_keep(request.user, document.community_id)
    due = can_keep and not document.is_destroyed and selectors.is_due(document)
    return render(
        request,
        "archive/detail.html",
        {
            "document": document,
            "can_open": selectors.may_open(request.user, document),
            "can_destroy": due,
            "destroy_form": DestroyForm(),
            "title": document.title,
        },
    )


@staff_required
@require_GET
def document_file(request, pk):
    """The file itself; each opening is written to the access log."""
    _reader(request)
    document = services.document_open(by=request.user, document=_document(request, pk))
    return uploaded_file(document)


@staff_required
@require_POST
def document_destroy(request, pk):
    _keeper(request)
    document = _document(request, pk)
    form = DestroyForm(request.POST)
    if form.is_valid():
        try:
            services.document_destroy(by=request.user, document=document, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已记录销毁,文件已删除。"))
            return redirect("archive_detail", document.pk)
    return render(
        request,
        "archive/detail.html",
        {
            "document": document,
            "can_open": selectors.may_open(request.user, document),
            "can_destroy": True,
            "destroy_form": form,
            "title": document.title,
        },
    )


def _month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except (TypeError, ValueError):
        return timezone.localdate().replace(day=1)


@staff_required
def due_list(request):
    """The assistant's monthly list: documents whose retention has passed by the month's end."""
    _keeper(request)
    month = _month(request.GET.get("month", ""))
    bad = bool(request.GET.get("month")) and month.strftime("%Y-%m") != request.GET["month"]
    rows = selectors.due_for_destruction(request.user, month_end(month))
    return render(
        request,
        "archive/due.html",
        {
            "rows": rows,
            "month": month,
            "bad_month": bad,
            "title": _("待销毁档案"),
        },
    )


@staff_required
def type_list(request):
    _reader(request)
    return render(
        request,
        "archive/types.html",
        {
            "types": DocumentType.objects.all(),
            "can_edit": selectors.may_edit_types(request.user),
            "title": _("档案类型"),
        },
    )


@staff_required
def type_edit(request, pk):
    if not selectors.may_edit_types(request.user):
        raise PermissionDenied
    doc_type = get_object_or_404(DocumentType, pk=pk)
    form = TypeForm(request.POST or None, instance=doc_type)
    if request.method == "POST":
        try:
            services.type_update(by=request.user, doc_type=doc_type, form=form)
        except FormInvalid:
            pass
        else:
            messages.success(request, _("已保存。"))
            return redirect("archive_types")
    return render(
        request, "archive/type_form.html", {"form": form, "doc_type": doc_type, "title": doc_type}
    )
