"""Demo data of the worklist (`wuyedesk seed`): one person entered twice — two resident
records with the same name and phone, both living in the same room of the first
community — so the duplicates list has a pair to merge; then today's snapshot.
Deterministic and bounded (two residents)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from wuyedesk.dataquality import services
from wuyedesk.properties.choices import OccupancyRole
from wuyedesk.properties.models import Occupancy, Resident, Room

DUPLICATE_NAME = "周建国"
DUPLICATE_PHONE = "13700001234"


def _room():
    busy = Occupancy.objects.filter(move_out__isnull=True).values("room_id")
    return (
        Room.objects.filter(archived_at__isnull=True)
        .exclude(pk__in=busy)
        .order_by("community__code", "id")
        .first()
        or Room.objects.order_by("community__code", "id").first()
    )


@transaction.atomic
def seed_demo(*, seed: int) -> dict[str, int]:
    if Resident.objects.filter(phone=DUPLICATE_PHONE).exists():
        return {}  # seeded already
    room = _room()
    if room is None:
        return {"duplicate residents": 0}
    move_in = timezone.localdate() - dt.timedelta(days=400)
    made = []
    for role, note in ((OccupancyRole.OWNER, ""), (OccupancyRole.FAMILY, "二次登记")):
        resident = Resident.objects.create(
            name=DUPLICATE_NAME, phone=DUPLICATE_PHONE, community=room.community, notes=note
        )
        Occupancy.objects.create(resident=resident, room=room, role=role, move_in=move_in)
        made.append(resident)
    services.snapshot_take()
    return {"duplicate residents": len(made)}
