# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class OtoSuggestion(models.Model):
    _inherit = "oto.suggestion"

    cart_order_id = fields.Many2one(
        "sale.order",
        string="Abandoned cart",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The online shop's cart this behaviour opportunity came from.",
    )

    _sql_constraints = [
        (
            "cart_order_uniq",
            "unique(cart_order_id)",
            "One opportunity per abandoned cart.",
        ),
    ]
