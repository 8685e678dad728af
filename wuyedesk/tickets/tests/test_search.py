from wuyedesk.lib.search import index_text, tokens
from wuyedesk.tickets import selectors


def test_bigrams():
    assert tokens("卫生间漏水") == ["卫生", "生间", "间漏", "漏水"]
    assert tokens("3栋 Lift") == ["3", "栋", "lift"]


def test_index_text_dedupes():
    assert index_text("漏水", "漏水了") == "漏水 水了"


def test_searching_leak_finds_bathroom_leak(world, call):
    leak = call(description="卫生间漏水,楼下天花板在滴水")
    other = call(description="电梯按钮失灵")
    found = list(selectors.search(selectors.queue(world.specialist, "all"), "漏水"))
    assert found == [leak]
    assert list(selectors.search(selectors.queue(world.specialist, "all"), "电梯")) == [other]
    assert list(selectors.search(selectors.queue(world.specialist, "all"), "张伟 漏水")) == [leak]


def test_search_by_phone_number(world, call):
    ticket = call()
    assert list(selectors.search(selectors.queue(world.specialist, "all"), "138 1234 5678")) == [
        ticket
    ]


def test_search_is_scoped(world, call):
    call()
    assert not selectors.search(selectors.queue(world.specialist_b, "all"), "漏水").exists()
