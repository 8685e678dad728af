"""The calendar periods of plans and reports: ISO weeks (Monday first), months, quarters,
years, each given by any day in it."""

import datetime as dt

WEEK, MONTH, QUARTER, YEAR = "week", "month", "quarter", "year"
# A report's cadence and a plan's period, as the kind of calendar period they cover.
OF_CADENCE = {"weekly": WEEK, "monthly": MONTH, "quarterly": QUARTER}


def bounds(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """(first, last) day of the week, month, quarter or year holding `day`."""
    if kind == WEEK:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    if kind == YEAR:
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    months = 3 if kind == QUARTER else 1
    first_month = (day.month - 1) // months * months + 1
    start = dt.date(day.year, first_month, 1)
    following = dt.date(
        day.year + (first_month + months - 1) // 12, (first_month + months - 1) % 12 + 1, 1
    )
    return start, following - dt.timedelta(days=1)


def previous(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The whole period just before the one holding `day`."""
    start, _end = bounds(kind, day)
    return bounds(kind, start - dt.timedelta(days=1))
