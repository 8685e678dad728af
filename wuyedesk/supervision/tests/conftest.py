import pytest

from wuyedesk.tickets.tests.conftest import call, categories  # noqa: F401  (shared fixtures)

ITEMS = [
    {"code": "G1", "text": "礼貌用语规范", "weight": 30, "guidance": "开头问候、结尾致谢"},
    {"code": "G2", "text": "记录完整准确", "weight": 40, "guidance": "地址、联系人、诉求齐全"},
    {"code": "G3", "text": "按时限跟进", "weight": 30, "critical": True, "guidance": "不得超时"},
]


@pytest.fixture
def group(world):
    """The world's supervisor appointed to the group, a second supervisor too, and the
    specialist's checklist (version 1)."""
    from wuyedesk.accounts.choices import Post
    from wuyedesk.supervision.services.group import checklist_save, member_appoint
    from wuyedesk.testing import make_staff

    world.users["supervisor2"] = make_staff(
        "supervisor2", [Post.SUPERVISOR], [world.a], None, "钱监督"
    )
    member_appoint(by=world.manager, user=world.supervisor, remit="客服部服务质量检查")
    member_appoint(by=world.manager, user=world.supervisor2, remit="校准与复核")
    world.checklist = checklist_save(
        by=world.manager, post=Post.SPECIALIST, title="客服专员检查表", items=ITEMS
    )
    return world


@pytest.fixture
def tickets(group, call):  # noqa: F811
    """Eight tickets of the specialist this month."""
    return [call(description=f"第 {n} 张工单 漏水") for n in range(8)]


def all_pass(inspection, fail=()):
    return [
        {
            "item": item.pk,
            "result": "fail" if item.code in fail else "pass",
            "evidence": f"录音 {item.code}",
            "comment": "未按时跟进" if item.code in fail else "",
        }
        for item in inspection.checklist.items.all()
    ]
