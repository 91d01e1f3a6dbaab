# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL


class OtoWalletPair(models.Model):
    """Engine state: a customer's purchases at one store, in the window.

    Filled by the wallet engine with set-based SQL, never by hand. Besides the
    fields, the table keeps ``recent_seller_ids``, ``recent_days`` and
    ``recent_ats``: the seller, brand day and time (of the last sale that
    day) of the customer's most recent visits to the store (a seller counts
    once per day), most recent first, and ``elected_ids``: the sellers of
    those visits ranked for election (most visits, then the most recent
    sale, then the lowest code in code-point order); the preferred seller is
    the first active one who works at the store.
    """

    _name = "oto.wallet.pair"
    _description = "Customer purchases per store (wallet engine)"
    _log_access = False
    _order = "partner_id, store_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade"
    )
    store_id = fields.Many2one(
        "oto.store", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True)
    order_count = fields.Integer("Purchases")
    amount = fields.Float(digits="Product Price")
    last_purchase = fields.Datetime()

    _sql_constraints = [
        (
            "partner_store_uniq",
            "unique(partner_id, store_id)",
            "One row per customer and store.",
        ),
    ]

    def init(self):
        # Rewritten in place by every run: room for HOT updates.
        self.env.cr.execute(
            SQL("ALTER TABLE %s SET (fillfactor = 80)", SQL.identifier(self._table))
        )
        self.env.cr.execute(
            SQL(
                "ALTER TABLE %s ADD COLUMN IF NOT EXISTS recent_seller_ids integer[],"
                " ADD COLUMN IF NOT EXISTS recent_days date[],"
                " ADD COLUMN IF NOT EXISTS recent_ats timestamp[],"
                " ADD COLUMN IF NOT EXISTS elected_ids integer[]",
                SQL.identifier(self._table),
            )
        )
