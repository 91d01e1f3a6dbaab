# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.oto_crm.models.brand_time import brand_timezone

# A POS order is a purchase when paid and not refunded in full (SQL on the
# row ``{row}``).
POS_COUNTED = (
    "{row}.state IN ('paid', 'done', 'invoiced') "
    "AND {row}.amount_total - COALESCE({row}.oto_refunded_amount, 0) > 0.005"
)


class OtoPurchase(models.Model):
    _inherit = "oto.purchase"

    source = fields.Selection(selection_add=[("pos", "POS order")])

    @api.model
    def _get_purchase_queries(self):
        return [*super()._get_purchase_queries(), self._pos_order_purchase_query()]

    @api.model
    def _get_changed_day_queries(self, company_id, written_since):
        # A paid POS order that left the paid states (rare, but counted).
        return [
            *super()._get_changed_day_queries(company_id, written_since),
            self._left_purchase_days_query(
                "pos_order", POS_COUNTED, company_id, written_since
            ),
        ]

    @api.model
    def _get_purchase_line_queries(self):
        """Lines of paid POS orders (refund lines, negative, are not)."""
        return [
            *super()._get_purchase_line_queries(),
            SQL(
                """
                SELECT po.id * 10 + 2 AS purchase_id, po.partner_id, po.company_id,
                       pc.oto_store_id AS store_id,
                       pol.product_id, po.date_order AS date, pol.qty
                  FROM pos_order_line pol
                  JOIN pos_order po ON po.id = pol.order_id
                  JOIN pos_config pc ON pc.id = po.config_id
                 WHERE po.state IN ('paid', 'done', 'invoiced') AND pol.qty > 0
                """
            ),
        ]

    def _get_source_models(self):
        return {**super()._get_source_models(), "pos": "pos.order"}

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS pos_order_oto_write_date_idx "
            "ON pos_order (write_date)"
        )
        result = super().init()
        self._wallet_change_trigger(
            "pos_order",
            POS_COUNTED,
            (
                "state",
                "partner_id",
                "company_id",
                "date_order",
                "amount_total",
                "currency_rate",
                "config_id",
                "oto_seller_id",
                "oto_refunded_amount",
            ),
        )
        # A point of sale linked to another store: its orders are purchases
        # of that store now (the store is read through the point of sale),
        # so their customers are rebuilt.
        self.env.cr.execute(
            """
            CREATE OR REPLACE FUNCTION oto_pos_config_wallet_change() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF OLD.oto_store_id IS DISTINCT FROM NEW.oto_store_id THEN
                    INSERT INTO oto_wallet_change
                           (kind, company_id, partner_id, old_date, new_date)
                    SELECT DISTINCT ON (po.partner_id) 'purchase', po.company_id,
                           po.partner_id, po.date_order, po.date_order
                      FROM pos_order po
                     WHERE po.config_id = NEW.id AND po.partner_id IS NOT NULL
                     ORDER BY po.partner_id, po.date_order;
                END IF;
                RETURN NULL;
            END $$;
            DROP TRIGGER IF EXISTS oto_wallet_change ON pos_config;
            CREATE TRIGGER oto_wallet_change AFTER UPDATE ON pos_config
                FOR EACH ROW EXECUTE FUNCTION oto_pos_config_wallet_change();
            """
        )
        return result

    @api.model
    def _pos_order_purchase_query(self):
        """Paid POS orders, each for its amount less what paid refunds gave
        back; a refund is not a purchase of its own, and a sale refunded in
        full is no purchase at all (no visit, no value)."""
        return SQL(
            """
            SELECT po.id * 10 + 2 AS id,
                   'pos' AS source,
                   po.name AS reference,
                   po.id AS res_id,
                   po.partner_id AS partner_id,
                   po.company_id AS company_id,
                   pc.oto_store_id AS store_id,
                   po.oto_seller_id AS seller_id,
                   po.date_order AS date,
                   (po.date_order AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS day,
                   (po.amount_total - COALESCE(po.oto_refunded_amount, 0))
                       / COALESCE(NULLIF(po.currency_rate, 0), 1) AS amount,
                   COALESCE((SELECT sum(pol.qty) FROM pos_order_line pol
                              WHERE pol.order_id = po.id), 0) AS item_count,
                   'store' AS channel,
                   po.write_date AS write_date
              FROM pos_order po
              JOIN pos_config pc ON pc.id = po.config_id
             WHERE %(counted)s
            """,
            tz=brand_timezone(self.env),
            counted=SQL(POS_COUNTED.format(row="po")),
        )
