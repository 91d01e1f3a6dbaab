# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The brand's time (no model here: importing it registers nothing)."""

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
