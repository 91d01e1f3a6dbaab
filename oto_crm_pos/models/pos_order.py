# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class PosOrder(models.Model):
    _inherit = "pos.order"

    oto_seller_id = fields.Many2one(
        "oto.seller",
        string="Assisting seller",
        index="btree_not_null",
        check_company=True,
        help="The store seller who assisted the customer (not the cashier).",
    )
    oto_store_id = fields.Many2one(
        "oto.store",
        string="Store",
        related="config_id.oto_store_id",
        store=True,
        index="btree_not_null",
    )

    @api.constrains("oto_seller_id", "config_id")
    def _check_oto_seller_store(self):
        for order in self.filtered("oto_seller_id"):
            store = order.config_id.oto_store_id
            if store and order.oto_seller_id.store_id != store:
                raise ValidationError(
                    self.env._(
                        "%(seller)s does not work at %(store)s, the store of this "
                        "point of sale.",
                        seller=order.oto_seller_id.name,
                        store=store.display_name,
                    )
                )
