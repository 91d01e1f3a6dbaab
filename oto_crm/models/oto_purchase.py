# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools
from odoo.tools import SQL

from .brand_time import PURCHASE_TIMEZONE


class OtoPurchase(models.Model):
    """One row per purchase (order) of a customer, whatever its source.

    A SQL view built from one query per source: confirmed sale orders here;
    ``oto_crm_pos`` adds paid POS orders by extending
    ``_get_purchase_queries``. Every query returns the same columns, named as
    the fields below. The ``id`` of a row is ``order id * 10 + source digit``
    so rows of different sources never collide.
    """

    _name = "oto.purchase"
    _description = "Customer purchase"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "reference"

    source = fields.Selection([("sale", "Sale order")], readonly=True)
    reference = fields.Char(readonly=True)
    res_id = fields.Integer(string="Order ID", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    store_id = fields.Many2one("oto.store", readonly=True)
    seller_id = fields.Many2one("oto.seller", readonly=True)
    date = fields.Datetime(readonly=True)
    day = fields.Date(readonly=True, help="The purchase day in the brand's local time.")
    amount = fields.Float(
        readonly=True,
        digits="Product Price",
        help="Total in the company's currency.",
    )
    item_count = fields.Float(string="Items", readonly=True)
    channel = fields.Selection(
        [("store", "Store"), ("online", "Online")], readonly=True
    )
    write_date = fields.Datetime(readonly=True)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, **kwargs):
        self._flush_sources()
        return super()._search(
            domain, offset=offset, limit=limit, order=order, **kwargs
        )

    @api.model
    def _flush_sources(self):
        """A view over other models' tables: their pending writes first (Odoo
        flushes only the tables a query names)."""
        for model in self._get_source_models().values():
            self.env[model].flush_model()
        self.env["sale.order.line"].flush_model(["product_uom_qty", "display_type"])

    @api.model
    def _get_purchase_queries(self):
        """The queries whose UNION ALL is the view; bridges append theirs."""
        return [self._sale_order_purchase_query()]

    @api.model
    def _sale_order_purchase_query(self):
        return SQL(
            """
            SELECT so.id * 10 + 1 AS id,
                   'sale' AS source,
                   so.name AS reference,
                   so.id AS res_id,
                   so.partner_id AS partner_id,
                   so.company_id AS company_id,
                   so.oto_store_id AS store_id,
                   so.oto_seller_id AS seller_id,
                   so.date_order AS date,
                   (so.date_order AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS day,
                   so.amount_total / COALESCE(NULLIF(so.currency_rate, 0), 1) AS amount,
                   COALESCE((SELECT sum(sol.product_uom_qty)
                               FROM sale_order_line sol
                              WHERE sol.order_id = so.id
                                AND sol.display_type IS NULL), 0) AS item_count,
                   COALESCE(so.oto_channel, 'store') AS channel,
                   so.write_date AS write_date
              FROM sale_order so
             WHERE so.state = 'sale'
            """,
            tz=PURCHASE_TIMEZONE,
        )

    @api.model
    def _get_purchase_line_queries(self):
        """Queries of the products of purchases, one row per order line:
        (purchase_id, partner_id, company_id, store_id, product_id, date,
        qty), ``purchase_id`` as in ``oto.purchase``, for recommendations.
        Bridges append theirs (same columns)."""
        return [
            SQL(
                """
                SELECT so.id * 10 + 1 AS purchase_id, so.partner_id, so.company_id,
                       so.oto_store_id AS store_id,
                       sol.product_id, so.date_order AS date,
                       sol.product_uom_qty AS qty
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                 WHERE so.state = 'sale' AND sol.display_type IS NULL
                   AND sol.product_id IS NOT NULL AND sol.product_uom_qty > 0
                """
            )
        ]

    @api.model
    def _get_changed_partner_queries(self, company_id, since, until, written_since):
        """Queries of (partner_id, delta): customers whose purchases were
        written since ``written_since`` (the engine's last run, less a margin
        for transactions still open then) or are dated between ``since`` (the
        last run) and ``until``. ``delta`` is true for a purchase dated after
        ``since`` (new: the engine adds it to the customer's state); any other
        change (an order edited, cancelled, back-dated) rebuilds the
        customer's state. Bridges append the changes their view part cannot
        see (orders that left it)."""
        return [
            SQL(
                """
                SELECT partner_id, date > %(since)s AS delta FROM oto_purchase
                 WHERE company_id = %(company)s
                   AND (write_date >= %(written_since)s
                        OR (date > %(since)s AND date <= %(until)s))
                """,
                company=company_id,
                since=since,
                until=until,
                written_since=written_since,
            ),
            # A counted order that left the confirmed state.
            SQL(
                """
                SELECT partner_id, FALSE FROM sale_order
                 WHERE company_id = %(company)s AND write_date >= %(written_since)s
                   AND state <> 'sale' AND date_order <= %(since)s
                """,
                company=company_id,
                since=since,
                written_since=written_since,
            ),
        ]

    @api.model
    def _get_changed_day_queries(self, company_id, written_since):
        """Queries of the brand days of purchases written since
        ``written_since``, including orders that left the view (cancelled):
        the results of those days are recomputed. Bridges append theirs."""
        return [
            SQL(
                "SELECT day FROM oto_purchase "
                "WHERE company_id = %s AND write_date >= %s",
                company_id,
                written_since,
            ),
            SQL(
                """
                SELECT (date_order AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                  FROM sale_order
                 WHERE company_id = %(company)s AND write_date >= %(since)s
                   AND state <> 'sale'
                """,
                tz=PURCHASE_TIMEZONE,
                company=company_id,
                since=written_since,
            ),
        ]

    def _get_source_models(self):
        """{source: model} of the orders behind the rows."""
        return {"sale": "sale.order"}

    def action_open_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._get_source_models()[self.source],
            "res_id": self.res_id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def init(self):
        # The engine's incremental run looks for orders written since its
        # last run.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS sale_order_oto_write_date_idx "
            "ON sale_order (write_date)"
        )
        # The engine reads each customer's confirmed orders of the window:
        # a covering index lets it do so without visiting the orders.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS sale_order_oto_purchase_idx "
            "ON sale_order (partner_id, date_order) "
            "INCLUDE (company_id, oto_store_id, oto_seller_id, amount_total, "
            "currency_rate) "
            "WHERE state = 'sale'"
        )
        tools.drop_view_if_exists(self.env.cr, self._table)
        query = SQL(" UNION ALL ").join(self._get_purchase_queries())
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), query)
        )
        # The views built on this one went with it (CASCADE): back they come.
        self.env["oto.attribution"].init()
