# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The brand's time (no model here: importing it registers nothing).

The day of a purchase, a suggestion or a contact is counted in the brand's
local time: the system parameter ``oto_crm.timezone`` (*Settings > Oto CRM >
Brand time zone*), São Paulo by default. One zone for the database: the
brand's stores, franchises included, share its days, so that results and
rankings compare the same days.
"""

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytz
from dateutil.relativedelta import relativedelta

from odoo import fields

from ..tools.wallet_rules import DEFAULT_TIMEZONE

_logger = logging.getLogger(__name__)

TIMEZONE_PARAM = "oto_crm.timezone"
# The default zone (kept under its former name for the code that imports it).
PURCHASE_TIMEZONE = DEFAULT_TIMEZONE


def valid_timezone(name):
    """Whether ``name`` is a time zone (an IANA name, as Odoo lists them)."""
    return bool(name) and name in pytz.all_timezones_set


def brand_timezone(env):
    """The brand's time zone; the default one (and a warning in the log)
    when the parameter holds something that is not a time zone."""
    name = env["ir.config_parameter"].sudo().get_param(TIMEZONE_PARAM)
    if not name:
        return DEFAULT_TIMEZONE
    if not valid_timezone(name):
        _logger.warning(
            "%s is %r, not a time zone: using %s",
            TIMEZONE_PARAM,
            name,
            DEFAULT_TIMEZONE,
        )
        return DEFAULT_TIMEZONE
    return name


def brand_today(env):
    """The day in the brand's time (not the user's): the nightly jobs, the
    sellers and the managers must agree on what "today" is."""
    return fields.Date.context_today(
        env["res.company"].with_context(tz=brand_timezone(env))
    )


def brand_day(env, moment):
    """The brand's day of ``moment`` (a UTC datetime)."""
    return fields.Date.context_today(
        env["res.company"].with_context(tz=brand_timezone(env)), timestamp=moment
    )


def utc_start(day, tz=DEFAULT_TIMEZONE):
    """The UTC moment the day ``day`` starts in the zone ``tz`` (the brand's:
    ``brand_timezone(env)``), naive, as Odoo stores it."""
    local = datetime.combine(day, time.min, tzinfo=ZoneInfo(tz))
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
