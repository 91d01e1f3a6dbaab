# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    oto_cart_opportunities = fields.Boolean(
        string="Abandoned carts to sellers",
        default=True,
        help="A known customer's cart left in the online shop (after the "
        "website's abandoned-cart delay) becomes a behaviour opportunity "
        "for their seller, with the cart's products.",
    )
