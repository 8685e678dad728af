"""Work for every post's home, made through the real services (the homes' tests, Django's
and the browser's)."""

import datetime as dt

from django.utils import timezone

from wuyedesk.properties.models import Resident
from wuyedesk.tickets import services
from wuyedesk.tickets.defaults import load_categories
from wuyedesk.tickets.services import ticket_create


def fill_work(world, n: int = 1) -> None:
    """n of each, in community A: overdue inquiries, complaints and repairs (contacted ten
    days ago), major complaints not yet acknowledged, portal and mail tickets nobody owns,
    one given to the specialist and sent to engineering, one given to the specialist and
    overdue; and residents with no room."""
    categories = load_categories()

    def take(count=n, **fields):
        data = {
            "by": world.specialist,
            "kind": "inquiry",
            "channel": "phone",
            "category": categories["UTILITY"],
            "title": "",
            "description": "卫生间漏水",
            "resident": world.resident_a,
            "room": world.rooms_a[0],
        }
        data.update(fields)
        return [ticket_create(**data) for _ in range(count)]

    long_ago = timezone.now() - dt.timedelta(days=10)
    take(contact_at=long_ago)
    take(kind="complaint", category=categories["ATTITUDE"], contact_at=long_ago)
    take(kind="complaint", category=categories["ATTITUDE"], severity="major")
    take(kind="repair", contact_at=long_ago)
    resident_user = world.users["resident"]
    for _ in range(n):  # unowned: the resident's own submission, and a mail
        services.ticket_submit(
            by=resident_user,
            kind="repair",
            category=categories["UTILITY"],
            title="",
            description="门口灯坏了",
            room=world.rooms_a[0],
        )
        services.ticket_receive(
            channel="email",
            kind="inquiry",
            category=categories["UTILITY"],
            title="",
            description="物业费怎么交",
            community=world.a,
            resident=world.resident_a,
        )
    for ticket in take():
        services.ticket_assign(by=world.manager, ticket=ticket, owner=world.specialist)
        services.ticket_transfer(
            by=world.specialist, ticket=ticket, department=world.engineering, note="请维修"
        )
    for ticket in take(contact_at=long_ago):
        services.ticket_assign(by=world.manager, ticket=ticket, owner=world.specialist)
    # Residents whose room is not recorded: the assistant's data to fix.
    first = Resident.objects.count()
    for i in range(n):
        Resident.objects.create(
            community=world.a, name=f"待补房屋{first + i}", phone=f"1370000{first + i:04d}"
        )
