"""Transfer notes (written for the department) and follow-up records (the desk's record of a
conversation) were customer-visible: they become internal (issue #11 point 9). The customer
still sees that the ticket was handed on or followed up (tickets/visibility.py)."""

from django.db import migrations


def make_internal(apps, schema_editor):
    TicketEvent = apps.get_model("tickets", "TicketEvent")
    TicketEvent.objects.filter(kind__in=["transfer", "follow_up"], public=True).update(public=False)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0007_redundant_fk_indexes")]

    # Not reversible in meaning: which notes were once shown is not recorded. Going back
    # leaves them internal, which is the safe side.
    operations = [migrations.RunPython(make_internal, migrations.RunPython.noop)]
