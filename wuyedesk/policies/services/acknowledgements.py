"""Read and acknowledge (issue #14 point 6).

Who is concerned by a version in force is the document's audience: for the customer-service
regulation (Audience.CUSTOMER_SERVICE) every active staff member holding a post of the
customer-service department (manager, specialist, assistant, supervisor); for a document
for all staff, every active staff member. It is worked out when asked, so somebody who
joins while a version is in force is asked too. Each concerned person sees a notice on
their home until they acknowledge; the manager sees who has not, and reminds them (a
notification, at most once a day per version).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import has_post
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import User
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.policies import signals
from wuyedesk.policies.choices import Audience, VersionStatus
from wuyedesk.policies.models import PolicyAcknowledgement, PolicyVersion

CUSTOMER_SERVICE_POSTS = (Post.MANAGER, Post.SPECIALIST, Post.ASSISTANT, Post.SUPERVISOR)
# Who sees the list of acknowledgements and sends reminders.
ACK_KEEPERS = (Post.MANAGER, Post.EXECUTIVE, Post.ADMIN)


def _active_staff():
    return User.objects.filter(is_active=True, staff__archived_at__isnull=True)


def concerned(version):
    """The users who must acknowledge `version` (its document's audience)."""
    qs = _active_staff()
    if version.document.audience == Audience.CUSTOMER_SERVICE:
        qs = qs.filter(staff__posts__post__in=CUSTOMER_SERVICE_POSTS)
    return qs.distinct()


def is_concerned(user, version) -> bool:
    return concerned(version).filter(pk=user.pk).exists()


def outstanding(version):
    """Concerned users who have not acknowledged, by name."""
    done = PolicyAcknowledgement.objects.filter(version=version, user_id=OuterRef("pk"))
    return (
        concerned(version)
        .annotate(done=Exists(done))
        .filter(done=False)
        .select_related("staff__department")
        .order_by("staff__employee_no")
    )


def acknowledged(version):
    return (
        PolicyAcknowledgement.objects.filter(version=version)
        .select_related("user__staff__department")
        .order_by("at")
    )


def pending_for(user):
    """Versions in force the user must still acknowledge (the home notice)."""
    versions = PolicyVersion.objects.filter(status=VersionStatus.IN_FORCE).select_related(
        "document"
    )
    done = PolicyAcknowledgement.objects.filter(version=OuterRef("pk"), user=user)
    versions = versions.annotate(done=Exists(done)).filter(done=False)
    return [v for v in versions if is_concerned(user, v)]


@transaction.atomic
def acknowledge(*, by, version) -> PolicyAcknowledgement:
    """The person has read the version in force (once; a second time changes nothing)."""
    version = PolicyVersion.objects.select_related("document").get(pk=version.pk)
    if version.status != VersionStatus.IN_FORCE:
        raise ValidationError(
            {"version": ValidationError(_("只有现行有效的版本需要确认。"), code="invalid_state")}
        )
    if not is_concerned(by, version):
        raise PermissionDenied
    found = PolicyAcknowledgement.objects.filter(version=version, user=by).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            ack = PolicyAcknowledgement.objects.create(version=version, user=by)
    except IntegrityError:  # a second click at the same moment
        return PolicyAcknowledgement.objects.get(version=version, user=by)
    audit_record(actor=by, action=AuditAction.CREATE, obj=ack, label=str(version))
    return ack


@transaction.atomic
def remind(*, by, version) -> int:
    """Remind everyone who has not acknowledged (a notification each, once a day)."""
    if not has_post(by, Post.MANAGER):
        raise PermissionDenied
    if version.status != VersionStatus.IN_FORCE:
        raise ValidationError(
            {"version": ValidationError(_("只有现行有效的版本需要确认。"), code="invalid_state")}
        )
    users = list(outstanding(version))
    signals.send_notice(
        users=users,
        kind="policy_ack",
        text=_("请阅读并确认制度:%(doc)s 第 %(n)s 版")
        % {"doc": version.document.title, "n": version.number},
        version=version,
        key=f"remind:{timezone.localdate().isoformat()}",
    )
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=version,
        details={"reminded": [u.pk for u in users]},
    )
    return len(users)
