"""Select options of the ticket page's people pickers, read as plain rows (pk, label)
rather than model instances: a company's few hundred people cost the page ~18 ms as
instances, ~2 ms as rows (bench/README.md, issue #12 Speed). The fields keep their
querysets, which validate what is posted."""

from wuyedesk.tickets.selectors import department_people


def department_people_choices(departments) -> list:
    """`department_people` as select options grouped by department: [(department name,
    [(pk, name), ...]), ...], read as plain rows."""
    groups: dict[str, list] = {}
    rows = department_people(departments).values_list(
        "pk", "staff__name", "staff__department__name"
    )
    for pk, name, department in rows:
        groups.setdefault(department, []).append((pk, name))
    return list(groups.items())


def staff_user_choices(users) -> list[tuple[int, str]]:
    """(pk, staff name) options of a `staff_users` queryset, read as plain rows."""
    return list(users.values_list("pk", "staff__name"))
