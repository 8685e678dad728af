"""Chinese full-text search without a Chinese tokenizer.

Text becomes space-separated tokens: every pair of adjacent CJK characters (so 2-character
words such as 漏水 and 电梯 match anywhere: 卫生间漏水 → 卫生 生间 间漏 漏水), a lone CJK
character as itself, and Latin words and numbers in lower case. A query is tokenised the
same way and matches when every token is present. SQLite indexes the tokens with FTS5 and
PostgreSQL with a GIN index over a stored to_tsvector('simple', …) column (see tickets'
migrations).
"""

import re

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[0-9a-z]+")
_ONE_CJK = re.compile(rf"[{_CJK}]")


def tokens(text: str) -> list[str]:
    out = []
    for run in _RUN.findall((text or "").lower()):
        if run[0].isascii() or len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def index_text(*parts: str) -> str:
    seen, kept = set(), []
    for token in tokens(" ".join(p for p in parts if p)):
        if token not in seen:
            seen.add(token)
            kept.append(token)
    return " ".join(kept)


def is_one_character(text: str) -> bool:
    """One CJK character alone (a surname typed by itself): the index holds it only where it
    stands alone in a text, so it finds names, not the tickets that mention it."""
    return _ONE_CJK.fullmatch((text or "").strip()) is not None


def query_tokens(text: str, limit: int = 12) -> list[str]:
    """Distinct tokens of a query, at most `limit` (long queries add little but cost)."""
    return list(dict.fromkeys(tokens(text)))[:limit]
