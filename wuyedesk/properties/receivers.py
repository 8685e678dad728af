"""What properties registers at start-up (core/appconfig.py)."""

from wuyedesk.core import company, reference, versions
from wuyedesk.properties.models import Community, Company, Department, Occupancy, Resident, Room
from wuyedesk.properties.selectors import RECORDS_VERSION
from wuyedesk.properties.services import company_get

# The apps below properties (accounts, audit) read the company settings through core.
company.register(company_get)

# Communities, departments and the company settings (its two-factor posts and idle timeout
# are read by every staff request) are reference data.
reference.watch(Community, Company, Department)
reference.watch_m2m(Department.communities.through)
versions.bump_on_change(RECORDS_VERSION, Community, Room, Resident, Occupancy)
