import pytest


@pytest.mark.parametrize(
    "persona,heading",
    [
        ("manager", "客服部经理工作台"),
        ("specialist", "客服专员工作台"),
        ("assistant", "客服助理工作台"),
        ("worker", "部门工作台"),
        ("supervisor", "监督小组工作台"),
        ("executive", "公司管理层工作台"),
        ("admin", "系统管理员工作台"),
    ],
)
def test_each_post_lands_on_its_home_in_chinese(world, client_as, persona, heading):
    response = client_as(getattr(world, persona)).get("/")
    assert response.status_code == 200
    assert heading in response.content.decode()
    assert response["Content-Language"] == "zh-hans"


def test_healthz_needs_no_login_and_no_database(db, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"
