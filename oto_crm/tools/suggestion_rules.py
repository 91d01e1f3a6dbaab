"""Rules of the daily suggestions in plain Python (no Odoo).

- Message templates: ``{first_name}``-style placeholders, checked when the
  brand saves a campaign and filled when a seller opens a suggestion.
- Quarantine: the days between two contacts with a customer, fixed or
  learned ("smart frequency") from the customer's purchase cycle and the
  outcome of the latest contacts, always with the reasons that make it.
- Holdout: a stable random share of a campaign's audience kept out of it, to
  measure the lift: the same customer gets the same decision all campaign
  long, whatever the day or the order of the run.
"""

import hashlib
import string
from dataclasses import dataclass
from datetime import timedelta

PLACEHOLDERS = (
    "first_name",
    "name",
    "seller",
    "store",
    "brand",
    "seller_link",
    "last_purchase",
    "products",
)


class TemplateError(ValueError):
    """A message template that cannot be used; ``args[0]`` says why."""

    def __init__(self, message, placeholder=None):
        super().__init__(message)
        self.placeholder = placeholder


def template_placeholders(template):
    """The placeholder names of ``template``, in order; raises
    :class:`TemplateError` for an unknown or malformed one."""
    names = []
    try:
        parsed = list(string.Formatter().parse(template or ""))
    except ValueError as exc:
        raise TemplateError(f"malformed template: {exc}") from exc
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in PLACEHOLDERS or spec or conversion:
            raise TemplateError(f"unknown placeholder {{{field}}}", placeholder=field)
        names.append(field)
    return names


def render_template(template, values):
    """``template`` with its placeholders replaced by ``values`` (missing
    ones become empty)."""
    template_placeholders(template)
    return (template or "").format_map(
        {name: values.get(name) or "" for name in PLACEHOLDERS}
    )


def first_name(name):
    """The first word of a customer's name, capitalized as written."""
    parts = (name or "").split()
    return parts[0] if parts else ""


def in_holdout(campaign_id, partner_id, share_percent):
    """Whether this customer is held out of this campaign: a stable hash of
    the pair, compared to the share (0-100). The same formula runs in SQL
    (``holdout_sql``); tests check they agree."""
    if share_percent <= 0:
        return False
    digest = hashlib.md5(f"{campaign_id}:{partner_id}".encode()).hexdigest()
    bucket = int(digest[:8], 16) % 10000
    return bucket < share_percent * 100


def holdout_sql(campaign_column, partner_column):
    """The SQL expression of :func:`in_holdout`'s bucket (0-9999)."""
    return (
        f"mod(('x' || substr(md5({campaign_column}::text || ':' || "
        f"{partner_column}::text), 1, 8))::bit(32)::bigint, 10000)"
    )


@dataclass(frozen=True)
class Interval:
    days: int
    reasons: tuple  # (code, value) pairs, in the order applied


def smart_interval(
    purchase_count,
    window_days,
    answered,
    unanswered,
    minimum=7,
    maximum=60,
    default=21,
):
    """Days to wait after a contact before contacting the customer again.

    Start from the customer's purchase cycle (the window divided by the
    purchases in it; ``default`` without purchases), then each answered
    contact among the latest ones shortens it by a fifth and each unanswered
    one lengthens it by a quarter, always within ``[minimum, maximum]``.
    Returns the days and the reasons, for the customer form.
    """
    if minimum < 1 or maximum < minimum:
        raise ValueError("the interval bounds must satisfy 1 <= minimum <= maximum")
    reasons = []
    if purchase_count and purchase_count > 0:
        days = window_days / purchase_count
        reasons.append(("cycle", round(days)))
    else:
        days = default
        reasons.append(("default", default))
    if answered:
        days *= 0.8**answered
        reasons.append(("answered", answered))
    if unanswered:
        days *= 1.25**unanswered
        reasons.append(("unanswered", unanswered))
    bounded = int(round(min(max(days, minimum), maximum)))
    if bounded != int(round(days)):
        reasons.append(("bounded", bounded))
    return Interval(bounded, tuple(reasons))


def birthday_keys(start, days):
    """The birthdays (``'MMDD'``) celebrated within ``days`` days from the
    date ``start`` (inclusive), across the end of the year; 29 February is
    celebrated on 28 February in other years."""
    keys = []
    for offset in range(max(days, -1) + 1):
        day = start + timedelta(days=offset)
        keys.append(day.strftime("%m%d"))
        if day.month == 2 and day.day == 28 and not _leap(day.year):
            keys.append("0229")
    return keys


def _leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
