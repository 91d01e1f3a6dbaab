# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL


class OtoWalletCustomer(models.Model):
    """Engine state: one customer in one company, from its purchases in the
    window (totals, preferred store and seller, RFV scores).

    Filled by the wallet engine with set-based SQL, never by hand; a row
    exists while the customer has purchases in the window. A narrow table of
    its own rather than columns of ``res_partner``: the nightly run rewrites
    thousands of these rows, and a write to the wide, heavily indexed
    ``res_partner`` costs ten times more. ``res.partner`` shows them as
    computed fields (``oto_last_purchase``, ``oto_purchase_count``, ...).
    """

    _name = "oto.wallet.customer"
    _description = "Customer state (wallet engine)"
    _log_access = False
    _order = "partner_id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True)
    last_purchase = fields.Datetime()
    order_count = fields.Integer("Purchases")
    amount = fields.Float(digits="Product Price")
    preferred_store_id = fields.Many2one(
        "oto.store", string="Preferred store", ondelete="set null"
    )
    preferred_seller_id = fields.Many2one(
        "oto.seller", string="Preferred seller", ondelete="set null"
    )
    r_score = fields.Integer("Recency score")
    f_score = fields.Integer("Frequency score")
    v_score = fields.Integer("Value score")
    segment_id = fields.Many2one("oto.rfv.segment", string="RFV segment")

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique(partner_id, company_id)",
            "One row per customer and company.",
        ),
    ]

    def init(self):
        cr = self.env.cr
        # Rows are rewritten in place every night: room on each page lets
        # PostgreSQL do it without touching the indexes (HOT updates).
        cr.execute(
            SQL("ALTER TABLE %s SET (fillfactor = 80)", SQL.identifier(self._table))
        )
        # No index on the last purchase: it changes with every purchase, and
        # an index on it would make each of those updates touch every index
        # (no HOT update). The few searches on it scan this narrow table.
        cr.execute("DROP INDEX IF EXISTS oto_wallet_customer_last_purchase_idx")
        cr.execute(
            "CREATE INDEX IF NOT EXISTS oto_wallet_customer_store_idx "
            "ON oto_wallet_customer (preferred_store_id) "
            "WHERE preferred_store_id IS NOT NULL"
        )
