# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The brand's time (no model here: importing it registers nothing)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from odoo import fields

# The day of a purchase, a suggestion or a contact is counted in the brand's
# local time.
PURCHASE_TIMEZONE = "America/Sao_Paulo"


def brand_today(env):
    """The day in the brand's time (not the user's): the nightly jobs, the
    sellers and the managers must agree on what "today" is."""
    return fields.Date.context_today(
        env["res.company"].with_context(tz=PURCHASE_TIMEZONE)
    )


def brand_day(env, moment):
    """The brand's day of ``moment`` (a UTC datetime)."""
    return fields.Date.context_today(
        env["res.company"].with_context(tz=PURCHASE_TIMEZONE), timestamp=moment
    )


def utc_start(day):
    """The UTC moment the brand's ``day`` starts (naive, as Odoo stores it)."""
    local = datetime.combine(day, time.min, tzinfo=ZoneInfo(PURCHASE_TIMEZONE))
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def day_ranges(days):
    """Sorted days as (first, last) runs of consecutive days."""
    ranges = []
    for day in days:
        if ranges and ranges[-1][1] + timedelta(days=1) == day:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def periods(period, today):
    """((from, to), (previous from, previous to)) of a results period, days
    included. ``30d``: the last 30 days and the 30 before; ``month``: this
    month up to today and the same days of the previous month (all of it
    when it is shorter)."""
    if period == "30d":
        return (
            (today - timedelta(days=29), today),
            (today - timedelta(days=59), today - timedelta(days=30)),
        )
    first = today.replace(day=1)
    previous_first = first - relativedelta(months=1)
    previous_to = min(
        previous_first + timedelta(days=today.day - 1), first - timedelta(days=1)
    )
    return (first, today), (previous_first, previous_to)
