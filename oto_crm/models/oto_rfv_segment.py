# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class OtoRfvSegment(models.Model):
    """A customer segment from RFV scores: the first segment (by sequence)
    whose three score ranges hold the customer's scores wins."""

    _name = "oto.rfv.segment"
    _description = "RFV segment"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Empty: the segment applies to every company.",
    )
    tone = fields.Selection(
        [
            ("success", "Green"),
            ("info", "Blue"),
            ("warning", "Orange"),
            ("danger", "Red"),
            ("muted", "Grey"),
        ],
        default="muted",
        required=True,
        help="The color of the segment's badge next to the customer's name.",
    )
    description = fields.Char(translate=True)
    r_min = fields.Integer("Recency from", default=1)
    r_max = fields.Integer("Recency to", default=5)
    f_min = fields.Integer("Frequency from", default=1)
    f_max = fields.Integer("Frequency to", default=5)
    v_min = fields.Integer("Value from", default=1)
    v_max = fields.Integer("Value to", default=5)
    customer_count = fields.Integer(compute="_compute_customer_count")

    def _compute_customer_count(self):
        counts = dict(
            self.env["oto.wallet.customer"]
            .sudo()
            ._read_group(
                [
                    ("segment_id", "in", self.ids),
                    ("company_id", "=", self.env.company.id),
                ],
                ["segment_id"],
                ["__count"],
            )
        )
        for segment in self:
            segment.customer_count = counts.get(segment, 0)

    @api.constrains("r_min", "r_max", "f_min", "f_max", "v_min", "v_max")
    def _check_ranges(self):
        for segment in self:
            for low, high in (
                (segment.r_min, segment.r_max),
                (segment.f_min, segment.f_max),
                (segment.v_min, segment.v_max),
            ):
                if not 1 <= low <= high <= 5:
                    raise ValidationError(
                        self.env._(
                            "Segment %(name)s: each score range goes from 1 to 5, "
                            "with 'from' not above 'to'.",
                            name=segment.name,
                        )
                    )
