import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuyedesk.accounts.access import has_post, require_post
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.decorators import staff_required
from wuyedesk.core.downloads import download
from wuyedesk.lib import sheets
from wuyedesk.lib.privacy import PERSONAL_FIELDS
from wuyedesk.properties import importer, selectors, services
from wuyedesk.properties.forms import CompanyForm
from wuyedesk.properties.models import ImportBatch, ImportKind


def resident_context(request, resident):
    """What the resident page shows besides the record (the web shell adds the tickets)."""
    return {
        "households": selectors.resident_households(resident),
        "may_reveal": services.may_reveal(request.user),
        "may_review_access": has_post(request.user, Post.MANAGER, Post.ADMIN),
        "personal": [
            ("phone", _("电话"), resident.masked_phone),
            ("id_number", _("身份证号"), resident.masked_id_number),
            ("address", _("通讯地址"), resident.masked_address),
        ],
    }


def room_context(request, room):
    return {"occupants": selectors.room_occupants(room)}


@staff_required
@require_POST
def resident_reveal(request, pk, field):
    resident = selectors.get_visible(selectors.residents_visible_to(request.user), pk)
    if field not in PERSONAL_FIELDS:
        return HttpResponse(status=404)
    value = services.resident_reveal(by=request.user, resident=resident, field=field)
    return render(request, "properties/_revealed.html", {"value": value})


@staff_required
def room_lookup(request):
    """Rooms matching typed text (number, building or community name), for pickers."""
    q = request.GET.get("room_q", "").strip()
    rooms = []
    if q:
        rooms = selectors.room_search(request.user, q)[:20]
    return render(request, "properties/_room_choices.html", {"rooms": rooms})


PICKER_FIELD = re.compile(r"^[a-z_]{1,30}$")
PICKER_SEARCH = {"building": selectors.building_search, "unit": selectors.unit_search}


@staff_required
def structure_lookup(request, kind):
    """Buildings or units matching typed text, as radio inputs named like the form's field
    (core.forms.SearchPicker), at most 20, in the user's scope."""
    field = request.GET.get("field", "")
    if kind not in PICKER_SEARCH or not PICKER_FIELD.match(field):
        return HttpResponse(status=400)
    q = request.GET.get(f"{field}_q", "").strip()[:100]
    rows = list(PICKER_SEARCH[kind](request.user, q)[:20]) if q else []
    return render(request, "properties/_pick_choices.html", {"rows": rows, "field": field, "q": q})


@staff_required
def company_settings(request):
    require_post(request.user, Post.ADMIN)
    company = services.company_get()
    form = CompanyForm(request.POST or None, instance=company, user=request.user)
    if request.method == "POST":
        try:
            services.company_update(by=request.user, form=form)
        except services.FormInvalid:
            messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
        else:
            messages.success(request, _("已保存。"))
            return redirect("company_settings")
    return render(request, "properties/company.html", {"form": form, "title": _("公司设置")})


def _may_import_any(user) -> bool:
    return any(has_post(user, *posts) for posts in importer.WRITE_POSTS.values())


@staff_required
def import_start(request):
    if not _may_import_any(request.user):
        raise PermissionDenied
    kinds = [k for k in ImportKind if has_post(request.user, *importer.WRITE_POSTS[k])]
    error = None
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        upload = request.FILES.get("file")
        if kind not in {k.value for k in kinds}:
            error = _("请选择导入类型。")
        elif upload is None:
            error = _("请选择要上传的文件。")
        elif upload.size > importer.settings_max_bytes():
            error = _("文件太大。")
        else:
            try:
                batch = importer.import_preview(
                    by=request.user, kind=kind, filename=upload.name, content=upload.read()
                )
            except importer.ImportFileError as exc:
                error = str(exc)
            else:
                return redirect("import_batch", pk=batch.pk)
    return render(
        request,
        "properties/import_start.html",
        {
            "kinds": kinds,
            "columns": importer.COLUMNS,
            "error": error,
            "selected": request.POST.get("kind", ""),
            "batches": ImportBatch.objects.filter(created_by=request.user)[:10],
            "title": _("批量导入"),
        },
    )


@staff_required
def import_batch(request, pk):
    batch = get_object_or_404(ImportBatch.objects.defer("content"), pk=pk, created_by=request.user)
    if request.method == "POST":
        try:
            batch = importer.import_commit(by=request.user, batch=batch)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if batch.status == "imported":
                messages.success(request, _("已导入 %(n)s 条记录。") % {"n": batch.imported_count})
            else:
                messages.error(request, _("数据已变化,校验未通过,未导入任何记录。"))
        return redirect("import_batch", pk=batch.pk)
    return render(request, "properties/import_batch.html", {"batch": batch, "title": _("导入结果")})


@staff_required
def import_template(request, kind):
    if kind not in ImportKind.values:
        raise PermissionDenied
    return download(
        importer.template_xlsx(kind),
        filename=f"import-{kind}.xlsx",
        content_type=sheets.XLSX_CONTENT_TYPE,
    )
