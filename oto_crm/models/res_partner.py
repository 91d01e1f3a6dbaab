# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResPartner(models.Model):
    _inherit = "res.partner"

    oto_seller_id = fields.Many2one(
        "oto.seller",
        string="Wallet seller",
        index="btree_not_null",
        tracking=True,
        ondelete="set null",
        help="The seller whose wallet (carteira) this customer belongs to.",
    )
    oto_store_id = fields.Many2one(
        "oto.store",
        string="Wallet store",
        compute="_compute_oto_store_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        tracking=True,
        ondelete="set null",
        help="The customer's store: the wallet seller's store, or the store "
        "chosen for a customer without a seller.",
    )
    oto_birthdate = fields.Date(string="Birthday")

    @api.depends("oto_seller_id")
    def _compute_oto_store_id(self):
        for partner in self:
            if partner.oto_seller_id:
                partner.oto_store_id = partner.oto_seller_id.store_id

    @api.constrains("oto_seller_id", "oto_store_id", "company_id")
    def _check_oto_wallet(self):
        for partner in self:
            seller = partner.oto_seller_id
            if not seller:
                continue
            if partner.oto_store_id and seller.store_id != partner.oto_store_id:
                raise ValidationError(
                    self.env._(
                        "%(seller)s works at %(seller_store)s, not at %(store)s: "
                        "a customer's wallet seller must belong to the customer's "
                        "store.",
                        seller=seller.name,
                        seller_store=seller.store_id.display_name,
                        store=partner.oto_store_id.display_name,
                    )
                )
            if partner.company_id and seller.company_id != partner.company_id:
                raise ValidationError(
                    self.env._(
                        "%(seller)s belongs to another company than the customer "
                        "%(customer)s.",
                        seller=seller.name,
                        customer=partner.display_name,
                    )
                )
