# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date


class OtoSellerDayoff(models.Model):
    """A seller's days off (folga): no suggestions on those days, and they do
    not count in engagement rates."""

    _name = "oto.seller.dayoff"
    _description = "Seller day off"
    _order = "date_from desc, id desc"
    _check_company_auto = True

    seller_id = fields.Many2one(
        "oto.seller", required=True, index=True, ondelete="cascade", check_company=True
    )
    store_id = fields.Many2one(related="seller_id.store_id", store=True)
    company_id = fields.Many2one(related="seller_id.company_id", store=True)
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    note = fields.Char()

    @api.constrains("seller_id", "date_from", "date_to")
    def _check_dates(self):
        for dayoff in self:
            if dayoff.date_to < dayoff.date_from:
                raise ValidationError(
                    self.env._(
                        "A day off ends on or after the day it starts "
                        "(%(start)s to %(end)s).",
                        start=format_date(self.env, dayoff.date_from),
                        end=format_date(self.env, dayoff.date_to),
                    )
                )
            overlap = self.search(
                [
                    ("id", "!=", dayoff.id),
                    ("seller_id", "=", dayoff.seller_id.id),
                    ("date_from", "<=", dayoff.date_to),
                    ("date_to", ">=", dayoff.date_from),
                ],
                limit=1,
            )
            if overlap:
                raise ValidationError(
                    self.env._(
                        "%(seller)s already has a day off from %(start)s to "
                        "%(end)s: change that one instead of adding an "
                        "overlapping one.",
                        seller=dayoff.seller_id.name,
                        start=format_date(self.env, overlap.date_from),
                        end=format_date(self.env, overlap.date_to),
                    )
                )

    @api.depends("seller_id", "date_from", "date_to")
    def _compute_display_name(self):
        for dayoff in self:
            dayoff.display_name = (
                f"{dayoff.seller_id.name}: {format_date(self.env, dayoff.date_from)}"
                f" - {format_date(self.env, dayoff.date_to)}"
            )
