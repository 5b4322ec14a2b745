"""Template tags of the ledger's admin pages.

``{% ledger_date_hierarchy cl %}`` is the admin's date drill-down (same links, same template
``admin/date_hierarchy.html``) answered by :class:`ledger.selectors.EntryDates`, which stays fast
on millions of entries under any filter or search; Django's own tag runs ``MIN``/``MAX`` and
``SELECT DISTINCT date_trunc`` over the whole filtered set (measured in docs/BENCHMARKS.md).
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ledger.selectors import EntryDates

register = template.Library()


def ledger_date_hierarchy(cl) -> dict:
    """Context for ``admin/date_hierarchy.html``: ``{"show", "back": {link, title} | None,
    "choices": [{link?, title}]}`` for the changelist ``cl`` (its ``date_hierarchy`` field must be
    ``created_at``). Like Django's tag, with no date chosen it starts at the first level that has
    more than one choice (one year → months; one month → days)."""
    field = cl.date_hierarchy
    year_field, month_field, day_field = f"{field}__year", f"{field}__month", f"{field}__day"
    year, month, day = (cl.params.get(name) for name in (year_field, month_field, day_field))
    dates = EntryDates(entries=cl.queryset, count=getattr(cl, "result_count", None))

    def link(filters):
        return cl.get_query_string(filters, [f"{field}__"])

    if not (year or month or day):
        first, last = dates.date_range()
        if first and last and first.year == last.year:
            year = first.year
            if first.month == last.month:
                month = first.month
    if year and month and day:
        chosen = dt.date(int(year), int(month), int(day))
        return {"show": True,
                "back": {"link": link({year_field: year, month_field: month}),
                         "title": capfirst(formats.date_format(chosen, "YEAR_MONTH_FORMAT"))},
                "choices": [{"title": capfirst(formats.date_format(chosen, "MONTH_DAY_FORMAT"))}]}
    if year and month:
        return {"show": True, "back": {"link": link({year_field: year}), "title": str(year)},
                "choices": [{"link": link({year_field: year, month_field: month, day_field: moment.day}),
                             "title": capfirst(formats.date_format(moment, "MONTH_DAY_FORMAT"))}
                            for moment in dates.buckets("day")]}
    if year:
        return {"show": True, "back": {"link": link({}), "title": _("All dates")},
                "choices": [{"link": link({year_field: year, month_field: moment.month}),
                             "title": capfirst(formats.date_format(moment, "YEAR_MONTH_FORMAT"))}
                            for moment in dates.buckets("month")]}
    return {"show": True, "back": None,
            "choices": [{"link": link({year_field: str(moment.year)}), "title": str(moment.year)}
                        for moment in dates.buckets("year")]}


@register.tag(name="ledger_date_hierarchy")
def ledger_date_hierarchy_tag(parser, token):
    """``{% ledger_date_hierarchy cl %}``: renders ``admin/date_hierarchy.html`` (overridable per
    app/model like Django's tag) with :func:`ledger_date_hierarchy`'s context."""
    return InclusionAdminNode(parser, token, func=ledger_date_hierarchy, template_name="date_hierarchy.html",
                              takes_context=False)
