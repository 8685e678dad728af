"""Free-text survey answers grouped into themes: jieba's words matched to the complaint
categories (tickets.selectors.default_category_tree) and a few everyday words for each."""

import functools
import logging

from django.utils.translation import gettext_lazy as _

from wuyedesk.tickets.selectors import default_category_tree

OTHER = "OTHER"
EXAMPLES = 3

# Words residents use for a category beyond its own name (the names come from the tree).
EXTRA_WORDS = {
    "REPAIR": ["维修", "修理", "报修", "漏水", "坏了", "损坏", "路灯", "管道"],
    "LIFT": ["电梯", "梯"],
    "ACCESS": ["门禁", "门卡", "刷卡"],
    "UTILITY": ["停水", "停电", "水压", "燃气"],
    "SECURITY": ["保安", "门岗", "巡逻", "安全", "陌生人", "外卖"],
    "CLEANING": ["卫生", "垃圾", "清洁", "保洁", "打扫", "异味", "脏", "楼道", "清运"],
    "GREEN": ["绿化", "草坪", "树木", "修剪", "花草", "蚊虫"],
    "PARKING": ["停车", "车位", "车库", "乱停", "充电桩"],
    "NOISE": ["噪音", "吵", "扰民", "广场舞"],
    "RENOVATION": ["装修"],
    "FEES": ["物业费", "收费", "费用", "账单", "缴费"],
    "ATTITUDE": ["态度", "服务态度", "客服", "不耐烦", "热情", "响应"],
    "AMENITY": ["快递", "健身", "儿童", "便民", "休息"],
}


@functools.cache
def theme_words() -> dict[str, tuple[str, frozenset[str]]]:
    """{category code: (name, words)} for every top-level category and lift/access/utility."""
    themes = {}
    for code, name, _en, _dept, children in default_category_tree():
        if code == OTHER:
            continue
        words = {w for w in name.split("/") if w}
        words.update(EXTRA_WORDS.get(code, []))
        themes[code] = (name, frozenset(words))
        for ccode, cname, _cen, _cdept in children:
            cwords = {cname, *EXTRA_WORDS.get(ccode, [])}
            themes[ccode] = (f"{name}/{cname}", frozenset(cwords))
    return themes


@functools.cache
def _jieba():
    # Imported here: only processes that serve pages pay for its dictionary (3-4 s).
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def load_dictionary() -> None:
    """Load jieba's dictionary now (3-4 s), when a web process starts (wuyedesk/wsgi.py),
    not on the first analysis page someone opens."""
    _jieba()


def themes_of(text: str) -> list[str]:
    """The category codes a text speaks of: a jieba word or a keyword found in the text."""
    words = {w for w in _jieba().lcut(text) if w.strip()}
    found = [
        code
        for code, (_name, keys) in theme_words().items()
        if words & keys or any(len(k) > 1 and k in text for k in keys)
    ]
    return found or [OTHER]


def group(texts: list[tuple[int, str]]) -> list[dict]:
    """[(answer id, text)] → themes by count, each with its answer ids and a few examples."""
    groups: dict[str, dict] = {}
    names = theme_words()
    for answer_id, text in texts:
        text = (text or "").strip()
        if not text:
            continue
        for code in themes_of(text):
            name = names[code][0] if code in names else str(_("其他"))
            g = groups.setdefault(code, {"code": code, "label": name, "n": 0, "ids": []})
            g["n"] += 1
            g["ids"].append(answer_id)
            g.setdefault("examples", [])
            if len(g["examples"]) < EXAMPLES:
                g["examples"].append(text[:120])
    return sorted(groups.values(), key=lambda g: (-g["n"], g["code"] == OTHER, g["code"]))
