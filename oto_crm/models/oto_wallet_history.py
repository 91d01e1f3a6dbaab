# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

WALLET_REASONS = [
    ("rule", "Preferred seller rule"),
    ("manual", "Manual"),
    ("redistribution", "Redistribution"),
    ("location", "Location and capacity"),
    ("api", "API"),
]


class OtoWalletHistory(models.Model):
    """Every change of a customer's wallet seller: who, when, why."""

    _name = "oto.wallet.history"
    _description = "Wallet history"
    _order = "date desc, id desc"
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", index=True)
    old_seller_id = fields.Many2one(
        "oto.seller", string="From seller", ondelete="set null"
    )
    new_seller_id = fields.Many2one(
        "oto.seller", string="To seller", index="btree_not_null", ondelete="set null"
    )
    old_store_id = fields.Many2one(
        "oto.store", string="From store", ondelete="set null"
    )
    new_store_id = fields.Many2one("oto.store", string="To store", ondelete="set null")
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    user_id = fields.Many2one(
        "res.users", string="By", default=lambda self: self.env.user
    )
    reason = fields.Selection(WALLET_REASONS, required=True, default="manual")
    note = fields.Char()

    @api.model_create_multi
    def create(self, vals_list):
        entries = super().create(vals_list)
        # Moves made by a person (not by the engine) go to the audit trail.
        for entry in entries.filtered(lambda e: e.reason == "manual"):
            self.env["oto.audit"]._log(
                "wallet_move",
                self.env._(
                    "%(old)s -> %(new)s%(note)s",
                    old=entry.old_seller_id.name or "-",
                    new=entry.new_seller_id.name or "-",
                    note=f": {entry.note}" if entry.note else "",
                ),
                seller=entry.new_seller_id or entry.old_seller_id,
                partner=entry.partner_id,
                company=entry.company_id,
            )
        return entries
