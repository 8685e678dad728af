"""The intake page of a specialist on the phone (SPE-1, INQ-2, CMP-1) and its partials.

Phone numbers never travel in a URL here: the lookup is a POST, and a screen-pop's
`?phone=` is moved into the session at once and the browser redirected without it.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuyedesk.accounts.decorators import staff_required
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.lib.privacy import normalize_phone
from wuyedesk.lib.text import without_controls
from wuyedesk.properties.lookup import contact_lookup
from wuyedesk.tickets import contacts, services, signals
from wuyedesk.tickets.caller_history import caller_history, likely_duplicates
from wuyedesk.tickets.categories import active_category
from wuyedesk.tickets.choices import Kind
from wuyedesk.tickets.intake_calls import recorded_from
from wuyedesk.tickets.intake_forms import ContactForm, IntakeForm
from wuyedesk.tickets.knowledge import services as knowledge
from wuyedesk.training.selectors import induction_block

PHONE_KEY = "intake_phone"
PREFILL = ("kind", "channel", "resident", "room")


def _require_intake(user):
    if not services.may_record_contacts(user):
        raise PermissionDenied


def _intake_required(view):
    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        _require_intake(request.user)
        return view(request, *args, **kwargs)

    return wrapper


def _contact(user, resident_id, room_id):
    """The chosen resident and room for display; ids outside the user's scope show nothing."""
    try:
        return contacts.contact_pick(user, resident_id=resident_id, room_id=room_id)
    except Http404:  # outside the scope or malformed: the form reports it on save
        return None, None


def _page(request, form, *, lookup=None, call=None):
    if form.is_bound:
        resident_id, room_id = form.data.get("resident"), form.data.get("room")
        if "resident" in form.errors:
            resident_id = None
        if "room" in form.errors:
            room_id = None
    else:
        resident_id, room_id = form.initial.get("resident"), form.initial.get("room")
    resident, room = _contact(request.user, resident_id, room_id)
    category = _category(form.data.get("category") if form.is_bound else None)
    history = caller_history(request.user, resident=resident, room=room, category=category)
    may_create = contacts.may_create_contacts(request.user)
    articles = []
    if form.is_bound and form.data.get("kind") == Kind.INQUIRY and not form.data.get("answer"):
        articles = knowledge.article_suggest(form.data.get("description", ""))
    return render(
        request,
        "tickets/intake.html",
        {
            "form": form,
            "lookup": lookup,
            "articles": articles,
            "resident": resident,
            "room": room,
            "may_create_contact": may_create,
            "contact_form": ContactForm(user=request.user) if may_create else None,
            "call": call,
            "history": history,
            # MGT-4: a new hire records tickets but does not own them until inducted.
            "induction_block": induction_block(request.user),
            "title": _("登记来电"),
        },
    )


@_intake_required
def ticket_intake(request):
    if "phone" in request.GET:
        # Personal data must not stay in the address bar, history or access logs.
        request.session[PHONE_KEY] = normalize_phone(request.GET["phone"])[:20]
        query = request.GET.copy()
        del query["phone"]
        return redirect(request.path + (f"?{query.urlencode()}" if query else ""))
    # A screen pop (`?call=<pk>`): telephony names the call and its caller (tickets.signals).
    source = signals.source_of_intake(
        request.user, request.POST.get("call") or request.GET.get("call")
    )
    call = source.record if source is not None else None
    if request.method == "POST" and request.POST.get("add_to"):
        return _add_to(request, source)
    if request.method == "POST":
        form = IntakeForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                ticket = services.ticket_create(by=request.user, **form.ticket_fields())
            except ValidationError as error:
                add_service_error(form, error)
            else:
                if source is not None:
                    signals.intake_saved.send(
                        sender=type(ticket), user=request.user, source=call, ticket=ticket
                    )
                if ticket.first_contact_resolution:
                    messages.success(request, _("已登记并当场解答,工单已关闭。"))
                else:
                    messages.success(
                        request, _("已登记工单 %(number)s。") % {"number": ticket.number}
                    )
                return redirect("ticket_detail", pk=ticket.pk)
        messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
        return _page(request, form, call=call)
    initial = {k: v for k, v in request.GET.items() if k in PREFILL}
    phone = request.session.pop(PHONE_KEY, "")
    if source is not None:  # a screen pop: the number comes from the call record, not the URL
        for name, value in source.initial.items():
            initial.setdefault(name, value)
        phone = source.phone
    lookup = contact_lookup(request.user, phone) if phone else None
    if lookup and len(lookup.residents) == 1 and len(lookup.residents[0].households) == 1:
        # The screen-pop found exactly one caller in one home: chosen already.
        caller = lookup.residents[0]
        initial.update(resident=caller.pk, room=caller.households[0].room_id)
    return _page(request, IntakeForm(user=request.user, initial=initial), lookup=lookup, call=call)


def _category(raw):
    """The active category named by the form, or None (none chosen yet, or garbage)."""
    try:
        return active_category(int(raw))
    except (TypeError, ValueError):
        return None


def _add_to(request, source):
    """Add to that ticket: this call recorded on the caller's open ticket (a likely
    duplicate) instead of a new one; the form's text is what the customer said this time."""
    form = IntakeForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        duplicates = likely_duplicates(
            request.user, resident=data["resident"], room=data["room"], category=data["category"]
        )
        ticket = next((t for t in duplicates if str(t.pk) == request.POST["add_to"]), None)
        if ticket is None:
            form.add_error(None, _("该工单已不是此客户同一分类的未关闭工单,请重新选择。"))
        else:
            try:
                recorded_from(
                    request.user,
                    source,
                    lambda: services.ticket_add_contact(
                        by=request.user,
                        ticket=ticket,
                        description=data["description"],
                        channel=data["channel"],
                        contact_at=data["contact_at"],
                    ),
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request, _("已将本次来电追加到工单 %(number)s。") % {"number": ticket.number}
                )
                return redirect("ticket_detail", pk=ticket.pk)
    messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
    return _page(request, form, call=source.record if source is not None else None)


@_intake_required
@require_GET
def intake_history(request):
    """The chosen caller's open and recent tickets and the likely duplicates (a fragment)."""
    resident, room = _contact(
        request.user, request.GET.get("resident") or None, request.GET.get("room") or None
    )
    category = _category(request.GET.get("category"))
    history = caller_history(request.user, resident=resident, room=room, category=category)
    return render(request, "tickets/_intake_history.html", {"history": history})


@_intake_required
@require_POST
def intake_lookup(request):
    """Residents and rooms matching the search box (POST: the text may be a phone number)."""
    typed = without_controls(request.POST.get("q", ""))
    lookup = contact_lookup(request.user, typed)
    return render(request, "tickets/_intake_lookup.html", {"lookup": lookup})


@_intake_required
@require_GET
def intake_pick(request):
    """The chosen caller and room, as the hidden inputs and summary of the ticket form."""
    resident, room = contacts.contact_pick(
        request.user,
        resident_id=request.GET.get("resident") or None,
        room_id=request.GET.get("room") or None,
    )
    return render(request, "tickets/_intake_contact.html", {"resident": resident, "room": room})


@_intake_required
@require_POST
def intake_contact_create(request):
    """Record a caller who is not on file, and choose them (admin, manager, assistant)."""
    if not contacts.may_create_contacts(request.user):
        raise PermissionDenied
    form = ContactForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            resident = contacts.contact_create(
                by=request.user,
                name=data["name"],
                phone=data["phone"],
                community=data["community"],
                room=data["room"],
                role=data["role"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return render(
                request,
                "tickets/_intake_contact.html",
                {
                    "resident": resident,
                    "room": data["room"],
                    "fresh_contact_form": ContactForm(user=request.user),
                    "created": True,
                },
            )
    response = render(request, "tickets/_intake_new_contact.html", {"contact_form": form})
    response["HX-Retarget"] = "#new-contact"
    response["HX-Reswap"] = "innerHTML"
    return response


@_intake_required
@require_POST
def intake_answer(request):
    """The "answer now" field with a knowledge-base answer added to what is typed already."""
    article = knowledge.article_get_for_user(
        request.user, contacts.parse_id(request.POST.get("article"))
    )
    current = request.POST.get("answer", "").rstrip()
    text = article.answer_en if request.POST.get("lang") == "en" else article.answer
    answer = f"{current}\n{text}" if current else text
    form = IntakeForm(initial={"answer": answer}, user=request.user)
    return render(request, "tickets/_intake_answer.html", {"form": form, "focus": True})
