"""The default category tree (issue #3 §1), with the department that usually handles each."""

from wuyedesk.properties.models import Department
from wuyedesk.tickets.models import Category

# (code, name, name_en, default department code, children)
CATEGORY_TREE = [
    (
        "REPAIR",
        "维修",
        "Repairs",
        "GC",
        [
            ("FACILITY", "设备设施", "Facilities", "GC"),
            ("LIFT", "电梯", "Lifts", "WB"),
            ("ACCESS", "门禁", "Access control", "GC"),
            ("UTILITY", "水电气", "Water, power, gas", "GC"),
            ("FIRE", "消防", "Fire safety", "GC"),
        ],
    ),
    ("SECURITY", "安保/秩序", "Security and order", "ZX", []),
    ("CLEANING", "环境卫生", "Cleaning", "HJ", []),
    ("GREEN", "绿化", "Landscaping", "LH", []),
    ("PARKING", "停车", "Parking", "ZX", []),
    ("NOISE", "噪音", "Noise", "ZX", []),
    ("RENOVATION", "装修", "Renovation", "GC", []),
    ("FEES", "物业费/收费", "Fees and charges", "CW", []),
    ("ATTITUDE", "员工服务态度", "Staff attitude", "KF", []),
    ("AMENITY", "便民设施", "Amenities", "KF", []),
    ("OTHER", "其他", "Other", "KF", []),
]


def load_categories() -> dict[str, Category]:
    """Create the category tree (idempotent); returns categories by code."""
    departments = {d.code: d for d in Department.objects.all()}
    made = {}
    for position, (code, name, name_en, dept, children) in enumerate(CATEGORY_TREE):
        parent, _ = Category.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "position": position,
                "default_department": departments.get(dept),
            },
        )
        made[code] = parent
        for child_position, (ccode, cname, cname_en, cdept) in enumerate(children):
            made[ccode], _ = Category.objects.update_or_create(
                code=ccode,
                defaults={
                    "name": cname,
                    "name_en": cname_en,
                    "parent": parent,
                    "position": child_position,
                    "default_department": departments.get(cdept),
                },
            )
    return made
