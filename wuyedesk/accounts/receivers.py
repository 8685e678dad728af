"""What accounts registers at start-up (core/appconfig.py)."""

from django.contrib.auth import user_logged_in

from wuyedesk.accounts import twofactor
from wuyedesk.accounts.models import Staff, StaffPost, User
from wuyedesk.core import reference

# Staff, their posts and communities, and their users' names are reference data.
reference.watch(Staff, StaffPost)
reference.watch_m2m(Staff.communities.through)
reference.watch_users(User)

# A login starts the session's idle clock.
user_logged_in.connect(twofactor.stamp_login, dispatch_uid="wuyedesk-session-seen")
