from wuyedesk.mailbox.choices import InboundStatus
from wuyedesk.mailbox.models import InboundMail, OutboundMail
from wuyedesk.mailbox.seeding import seed_demo


def test_demo_mail_fills_the_queue_once_and_sends_nothing(mail_world, smtp):
    assert seed_demo(seed=1) == {"inbound mail": 3}
    assert seed_demo(seed=1) == {"inbound mail": 0}
    statuses = set(InboundMail.objects.values_list("status", flat=True))
    assert statuses == {
        InboundStatus.NEEDS_LINKING,
        InboundStatus.UNPARSED,
        InboundStatus.AUTOMATED,
    }
    assert smtp.messages == [] and not OutboundMail.objects.exists()
