# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

# Transactions still open when a refresh started: their writes are looked
# for again by the next one.
WRITE_MARGIN = timedelta(minutes=5)


class OtoKeptDays(models.AbstractModel):
    """Figures kept per day and brought up to date by a refresh: which days
    to compute (those of the window not kept yet, and the kept ones whose
    sources were written since the last refresh), and what a refresh leaves
    for the next one, in system parameters named after ``_kept_key``
    (``oto_crm.<key>_from|until|written_<company id>``)."""

    _name = "oto.kept.days"
    _description = "Figures kept per day"
    _kept_key = None

    def _kept_param(self, company, key):
        return f"oto_crm.{self._kept_key}_{key}_{company.id}"

    @api.model
    def _days_to_compute(self, company, first, last, changed_days):
        """The days of ``first`` to ``last`` to compute (a set): those not
        kept yet, and the kept ones among ``changed_days(since)``, the days
        whose sources were written since the last refresh (less a margin
        for the transactions still open then)."""
        params = self.env["ir.config_parameter"].sudo()
        kept_from = params.get_param(self._kept_param(company, "from"))
        kept_until = params.get_param(self._kept_param(company, "until"))
        written = params.get_param(self._kept_param(company, "written"))
        window = {first + timedelta(days=n) for n in range((last - first).days + 1)}
        kept = set()
        if kept_until:
            start = fields.Date.to_date(kept_from) if kept_from else first
            end = fields.Date.to_date(kept_until)
            kept = {day for day in window if start <= day <= end}
        todo = window - kept
        if kept and written:
            since = fields.Datetime.to_datetime(written) - WRITE_MARGIN
            todo |= kept & set(changed_days(since))
        return todo

    @api.model
    def _days_kept(self, company, first, until, ranges):
        """For the next refresh: the days ``first`` to ``until`` are kept,
        up to date with the writes committed before this transaction
        (``ranges``: the days computed, logged)."""
        if ranges:
            _logger.info(
                "%s of %s: %s day range(s) computed (%s)",
                self._kept_key,
                company.name,
                len(ranges),
                ", ".join(f"{a} - {b}" for a, b in ranges[:5]),
            )
        params = self.env["ir.config_parameter"].sudo()
        for key, value in (
            ("from", fields.Date.to_string(first)),
            ("until", fields.Date.to_string(until)),
            ("written", fields.Datetime.to_string(self.env.cr.now())),
        ):
            params.set_param(self._kept_param(company, key), value)

    @api.model
    def _forget_kept_days_from(self, company, day):
        """The kept days of ``company`` from ``day`` on are computed again by
        the next refresh (their sources changed without being written)."""
        params = self.env["ir.config_parameter"].sudo()
        key = self._kept_param(company, "until")
        until = params.get_param(key)
        if until and fields.Date.to_date(until) >= day:
            params.set_param(key, fields.Date.to_string(day - timedelta(days=1)))

    @api.model
    def _forget_kept_days(self):
        """Every kept day is computed again by the next refresh (the days
        were counted in another time zone)."""
        self.env["ir.config_parameter"].sudo().search(
            [("key", "=like", f"oto_crm.{self._kept_key}_until_%")]
        ).unlink()
