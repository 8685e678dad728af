"""Pages without COUNT: fetch one row more than the page holds to know whether a next page
exists. On a table of millions, COUNT(*) of a filtered queue costs more than the page
itself; a queue needs "next", not "page 3 of 20,417"."""

from dataclasses import dataclass


@dataclass
class Page:
    object_list: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def page_of(queryset, number, size: int = 50, max_page: int = 2000) -> Page:
    """Page `number` (1-based; anything unparsable is page 1) of an ordered queryset."""
    try:
        number = min(max(int(number), 1), max_page)
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * size
    rows = list(queryset[start : start + size + 1])
    return Page(rows[:size], number, len(rows) > size)
