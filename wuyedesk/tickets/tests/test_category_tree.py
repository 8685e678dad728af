"""The category tree editor: service, page, API, default department (#12 point 7)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wuyedesk.audit.models import AuditEntry
from wuyedesk.core import reference
from wuyedesk.testing import assert_api_error, ticket_page
from wuyedesk.tickets.categories import grouped_choices
from wuyedesk.tickets.category_tree import services
from wuyedesk.tickets.models import Category

URL = "/settings/categories/"
API = "/api/v1/categories"


def _flat(choices):
    out = []
    for value, label in choices:
        if isinstance(label, list):
            out += [v for v, _l in label]
        else:
            out.append(value)
    return out


def test_add_a_sub_category_with_its_department_and_everyone_sees_it(world, categories):
    before = reference.version()
    repair = categories["REPAIR"]
    made = services.category_create(
        by=world.manager,
        parent=repair,
        name="管道",
        name_en="Pipes",
        default_department=world.engineering,
    )
    assert made.code == "REPAIR-6" and made.parent == repair
    assert made.position == max(c.position for c in repair.children.exclude(pk=made.pk)) + 1
    assert reference.version() != before  # every process drops its pickers
    assert made.pk in _flat(grouped_choices(leaves_only=True))
    entry = AuditEntry.objects.get(object_type="tickets.category", object_id=made.pk)
    assert entry.changes["name"] == [None, "管道"]


def test_the_tree_rules(world, categories):
    repair, lift = categories["REPAIR"], categories["LIFT"]
    with pytest.raises(ValidationError) as error:
        services.category_create(by=world.admin, parent=lift, name="三级")
    assert error.value.error_dict["parent"][0].code == "depth"
    with pytest.raises(ValidationError) as error:
        services.category_create(by=world.admin, parent=repair, name="电梯")
    assert error.value.error_dict["name"][0].code == "unique"
    with pytest.raises(ValidationError) as error:
        services.category_update(by=world.admin, category=repair, parent=repair)
    assert error.value.error_dict["parent"][0].code == "cycle"
    noise = categories["NOISE"]
    with pytest.raises(ValidationError) as error:
        services.category_update(by=world.admin, category=repair, parent=noise)
    assert error.value.error_dict["parent"][0].code == "depth"
    with pytest.raises(ValidationError):
        services.category_update(by=world.admin, category=lift, name="")
    lift.refresh_from_db()
    assert lift.name == "电梯" and lift.parent == repair
    assert Category.objects.count() == 16
    with pytest.raises(PermissionDenied):
        services.category_create(by=world.specialist, name="新分类")


def test_move_reorder_rename_deactivate(world, categories):
    lift, noise = categories["LIFT"], categories["NOISE"]
    services.category_update(by=world.admin, category=lift, parent=noise, name_en="Elevators")
    lift.refresh_from_db()
    assert lift.parent == noise and lift.name_en == "Elevators"
    # NOISE now has a sub-category: tickets go under it, not under NOISE itself.
    assert noise.pk not in _flat(grouped_choices(leaves_only=True))
    first, second = list(Category.objects.filter(parent=None).order_by("position", "code"))[:2]
    services.category_move(by=world.admin, category=second, direction="up")
    tops = list(Category.objects.filter(parent=None).order_by("position", "code"))
    assert tops[:2] == [second, first]
    services.category_set_active(by=world.manager, category=lift, active=False)
    assert lift.pk not in _flat(grouped_choices(leaves_only=True))
    services.category_set_active(by=world.manager, category=noise, active=False)
    with pytest.raises(ValidationError):
        services.category_set_active(by=world.manager, category=lift, active=True)
    actions = set(
        AuditEntry.objects.filter(object_type="tickets.category").values_list("action", flat=True)
    )
    assert {"update", "archive"} <= actions


def test_a_used_category_is_only_deactivated_and_its_tickets_keep_it(world, categories, call):
    ticket = call(category=categories["UTILITY"])
    services.category_set_active(by=world.admin, category=categories["UTILITY"], active=False)
    ticket.refresh_from_db()
    assert ticket.category_id == categories["UTILITY"].pk
    assert Category.objects.filter(pk=categories["UTILITY"].pk, active=False).exists()


def test_page_adds_edits_and_keeps_a_refused_form(world, categories, client_as):
    client = client_as(world.manager)
    page = client.get(URL).content.decode()
    assert (
        'id="category-tree"' in page and "电梯" in page and 'href="/settings/categories/"' in page
    )
    response = client.post(
        URL,
        {
            "parent": categories["REPAIR"].pk,
            "name": "管道",
            "name_en": "Pipes",
            "default_department": world.engineering.pk,
        },
    )
    assert response.status_code == 302
    made = Category.objects.get(name="管道")
    response = client.post(
        URL, {"parent": categories["REPAIR"].pk, "name": "管道", "name_en": "Dup"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "同一上级下已有同名分类。" in page and 'value="Dup"' in page
    assert Category.objects.filter(name="管道").count() == 1
    edit = f"{URL}{made.pk}/"
    assert 'value="管道"' in client.get(edit).content.decode()
    response = client.post(edit, {"parent": categories["REPAIR"].pk, "name": "给排水"})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.name == "给排水" and made.default_department is None
    assert client.post(f"{URL}{made.pk}/deactivate/").status_code == 302
    made.refresh_from_db()
    assert not made.active
    assert client.post(f"{URL}{made.pk}/activate/").status_code == 302
    assert client.post(f"{URL}{made.pk}/explode/").status_code == 404
    assert client.get(f"{URL}{made.pk}/up/").status_code == 405


def test_page_in_english_shows_english_names(world, categories, client_as):
    client = client_as(world.admin)
    client.post("/language/", {"language": "en", "next": "/"})
    page = client.get(URL).content.decode()
    assert "Ticket categories" in page and "(top level)" in page
    # The parent picker names categories in the reader's language.
    assert f'<option value="{categories["REPAIR"].pk}">Repairs</option>' in page


def test_other_posts_get_403_and_no_menu_entry(world, categories, client_as):
    for user in (world.specialist, world.worker, world.executive):
        client = client_as(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"name": "x"}).status_code == 403
        assert 'href="/settings/categories/"' not in client.get("/").content.decode()
    assert Category.objects.filter(name="x").count() == 0


def test_transfer_and_investigation_preselect_the_default_department(
    world, categories, call, client_as
):
    services.category_update(
        by=world.admin, category=categories["UTILITY"], default_department=world.engineering
    )
    ticket = call(category=categories["UTILITY"])
    page = ticket_page(client_as(world.specialist), ticket)
    assert f'<option value="{world.engineering.pk}" selected>' in page


def test_api_tree_create_update_deactivate(world, categories, api_as):
    api = api_as(world.admin)
    tree = api.get(f"{API}/tree").json()
    repair = next(node for node in tree if node["code"] == "REPAIR")
    assert [c["code"] for c in repair["children"]][:2] == ["FACILITY", "LIFT"]
    response = api.post(
        API,
        {
            "name": "管道",
            "name_en": "Pipes",
            "parent": repair["id"],
            "default_department": world.engineering.pk,
        },
    )
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["parent"] == repair["id"] and made["default_department"] == world.engineering.pk
    response = api.patch(f"{API}/{made['id']}", {"name": "给排水"})
    assert response.status_code == 200 and response.json()["name"] == "给排水"
    assert response.json()["default_department"] == world.engineering.pk
    response = api.patch(f"{API}/{made['id']}", {"parent": None})
    assert response.status_code == 200 and response.json()["parent"] is None
    response = api.post(f"{API}/{made['id']}/move", {"direction": "up"})
    assert response.status_code == 200
    response = api.post(f"{API}/{made['id']}/deactivate")
    assert response.status_code == 200 and response.json()["active"] is False
    assert api.post(f"{API}/{made['id']}/activate").json()["active"] is True


def test_api_bad_input_changes_nothing(world, categories, api_as):
    api = api_as(world.manager)
    lift = categories["LIFT"]
    assert_api_error(api.post(API, {"name": "三级", "parent": lift.pk}), 422, "depth", "parent")
    assert_api_error(
        api.post(API, {"name": "电梯", "parent": categories["REPAIR"].pk}), 422, "unique", "name"
    )
    assert_api_error(
        api.post(API, {"name": "x", "parent": 999999}), 422, "invalid_choice", "parent"
    )
    assert_api_error(api.patch(f"{API}/{lift.pk}", {"name": ""}), 422, "required", "name")
    assert_api_error(
        api.post(f"{API}/{lift.pk}/move", {"direction": "left"}), 422, "invalid", "direction"
    )
    assert_api_error(api.patch(f"{API}/999999", {"name": "x"}), 404, "not_found")
    assert Category.objects.count() == 16
    lift.refresh_from_db()
    assert lift.name == "电梯"


def test_api_other_posts_get_403(world, categories, api_as):
    for user in (world.specialist, world.worker, world.resident):
        api = api_as(user)
        assert_api_error(api.get(f"{API}/tree"), 403, "permission_denied")
        assert_api_error(api.post(API, {"name": "x"}), 403, "permission_denied")
    assert not Category.objects.filter(name="x").exists()
