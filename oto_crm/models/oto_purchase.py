# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools
from odoo.tools import SQL

from .brand_time import brand_timezone
from .oto_external_purchase import EXTERNAL_COUNTED


class OtoPurchase(models.Model):
    """One row per purchase (order) of a customer, whatever its source.

    A SQL view built from one query per source: confirmed sale orders and
    purchases from other systems (``oto.external.purchase``, imports and
    feeds) here; ``oto_crm_pos`` adds paid POS orders by extending
    ``_get_purchase_queries``. Every query returns the same columns, named as
    the fields below. The ``id`` of a row is ``order id * 10 + source digit``
    so rows of different sources never collide.
    """

    _name = "oto.purchase"
    _description = "Customer purchase"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "reference"

    source = fields.Selection(
        [("sale", "Sale order"), ("external", "Other system")], readonly=True
    )
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
        return [
            self._sale_order_purchase_query(),
            self._external_purchase_query(),
        ]

    @api.model
    def _external_purchase_query(self):
        """Purchases from other systems, each for its amount less what was
        refunded; cancelled or refunded in full, none (as POS orders)."""
        return SQL(
            """
            SELECT ep.id * 10 + 3 AS id,
                   'external' AS source,
                   ep.reference AS reference,
                   ep.id AS res_id,
                   ep.partner_id AS partner_id,
                   ep.company_id AS company_id,
                   ep.store_id AS store_id,
                   ep.seller_id AS seller_id,
                   ep.date_order AS date,
                   (ep.date_order AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS day,
                   ep.amount_total - COALESCE(ep.refunded_amount, 0) AS amount,
                   COALESCE(ep.item_count, 0) AS item_count,
                   ep.channel AS channel,
                   ep.write_date AS write_date
              FROM oto_external_purchase ep
             WHERE %(counted)s
            """,
            tz=brand_timezone(self.env),
            counted=SQL(EXTERNAL_COUNTED.format(row="ep")),
        )

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
            tz=brand_timezone(self.env),
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
            ),
            SQL(
                """
                SELECT ep.id * 10 + 3 AS purchase_id, ep.partner_id, ep.company_id,
                       ep.store_id, epl.product_id, ep.date_order AS date,
                       epl.quantity AS qty
                  FROM oto_external_purchase_line epl
                  JOIN oto_external_purchase ep ON ep.id = epl.purchase_id
                 WHERE %s AND epl.product_id IS NOT NULL AND epl.quantity > 0
                """,
                SQL(EXTERNAL_COUNTED.format(row="ep")),
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
            self._left_purchase_days_query(
                "sale_order", "{row}.state = 'sale'", company_id, written_since
            ),
            self._left_purchase_days_query(
                "oto_external_purchase", EXTERNAL_COUNTED, company_id, written_since
            ),
        ]

    @api.model
    def _left_purchase_days_query(self, table, counted, company_id, written_since):
        """The brand days of the orders of ``table`` written since
        ``written_since`` that are not purchases (any more): ``counted``, the
        condition (SQL on the row ``{row}``) for one to be. Only constants of
        the add-ons are formatted in."""
        return SQL(
            """
            SELECT (date_order AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
              FROM %(table)s
             WHERE company_id = %(company)s AND write_date >= %(since)s
               AND NOT (%(counted)s)
            """,
            tz=brand_timezone(self.env),
            table=SQL.identifier(table),
            company=company_id,
            since=written_since,
            counted=SQL(counted.format(row=table)),
        )

    def _get_source_models(self):
        """{source: model} of the orders behind the rows."""
        return {"sale": "sale.order", "external": "oto.external.purchase"}

    def action_open_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._get_source_models()[self.source],
            "res_id": self.res_id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # ------------------------------------------------------ CHANGE LOG

    @api.model
    def _wallet_change_log_init(self):
        """The wallet engine's change log, ``oto_wallet_change``: one row per
        change that can move a customer, written by triggers in the
        transaction of the change itself (whoever makes it: the ORM, an
        import in SQL, a merge of contacts), read and deleted by the
        engine's next run. A purchase row holds the customer, and the date
        of the order as it was counted before the change (``old_date``,
        empty if it was not a purchase) and as it is counted after it
        (``new_date``, empty if it no longer is one). Other rows: a seller
        inactivated, reactivated or moved (``seller``, one row per store),
        a seller's code changed (``code``), a store inactivated, reactivated
        or reordered (``store``), the store criteria changed (``criteria``).
        """
        cr = self.env.cr
        cr.execute(
            """
            CREATE TABLE IF NOT EXISTS oto_wallet_change (
                id bigserial PRIMARY KEY,
                kind varchar NOT NULL,
                company_id integer,
                partner_id integer,
                old_date timestamp,
                new_date timestamp,
                store_id integer,
                seller_id integer
            )
            """
        )
        cr.execute(
            "CREATE INDEX IF NOT EXISTS oto_wallet_change_company_idx "
            "ON oto_wallet_change (company_id)"
        )
        self._wallet_change_trigger(
            "sale_order",
            "{row}.state = 'sale'",
            (
                "state",
                "partner_id",
                "company_id",
                "date_order",
                "amount_total",
                "currency_rate",
                "oto_store_id",
                "oto_seller_id",
            ),
        )
        # The triggers compare the columns in their function, not in a
        # column list or a WHEN clause: those would tie the columns to the
        # trigger, and Odoo could no longer change a column's type.
        cr.execute(
            """
            CREATE OR REPLACE FUNCTION oto_seller_wallet_change() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF (OLD.active, OLD.store_id)
                   IS DISTINCT FROM (NEW.active, NEW.store_id)
                THEN
                    INSERT INTO oto_wallet_change
                           (kind, company_id, store_id, seller_id)
                    SELECT 'seller', NEW.company_id, s, NEW.id
                      FROM unnest(ARRAY[OLD.store_id, NEW.store_id]) AS s
                     WHERE s IS NOT NULL;
                END IF;
                IF OLD.code IS DISTINCT FROM NEW.code THEN
                    INSERT INTO oto_wallet_change (kind, company_id, seller_id)
                    VALUES ('code', NEW.company_id, NEW.id);
                END IF;
                RETURN NULL;
            END $$;
            DROP TRIGGER IF EXISTS oto_wallet_change ON oto_seller;
            CREATE TRIGGER oto_wallet_change AFTER UPDATE ON oto_seller
                FOR EACH ROW EXECUTE FUNCTION oto_seller_wallet_change();

            CREATE OR REPLACE FUNCTION oto_store_wallet_change() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF (OLD.active, OLD.sequence)
                   IS DISTINCT FROM (NEW.active, NEW.sequence)
                THEN
                    INSERT INTO oto_wallet_change (kind, company_id, store_id)
                    VALUES ('store', NEW.company_id, NEW.id);
                END IF;
                RETURN NULL;
            END $$;
            DROP TRIGGER IF EXISTS oto_wallet_change ON oto_store;
            CREATE TRIGGER oto_wallet_change AFTER UPDATE ON oto_store
                FOR EACH ROW EXECUTE FUNCTION oto_store_wallet_change();

            CREATE OR REPLACE FUNCTION oto_company_wallet_change() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF OLD.oto_store_criteria IS DISTINCT FROM NEW.oto_store_criteria THEN
                    INSERT INTO oto_wallet_change (kind, company_id)
                    VALUES ('criteria', NEW.id);
                END IF;
                RETURN NULL;
            END $$;
            DROP TRIGGER IF EXISTS oto_wallet_change ON res_company;
            CREATE TRIGGER oto_wallet_change AFTER UPDATE ON res_company
                FOR EACH ROW EXECUTE FUNCTION oto_company_wallet_change();
            """
        )

    @api.model
    def _wallet_change_trigger(self, table, counted, columns):
        """A trigger on ``table`` (a source of purchases) writing its
        orders' changes into the change log: ``counted``, the condition
        (SQL, on the row ``{row}``) for an order of the table to be a
        purchase; ``columns``, those whose change changes the purchase (the
        date column is ``date_order``). Bridges call it for their sources."""
        function = f"oto_{table}_wallet_change"
        # Logged for a company with an active store only: nothing reads the
        # log of the others (the nightly run purges what is left of it).
        counted = (
            f"({counted}) AND EXISTS (SELECT 1 FROM oto_store s "
            "WHERE s.company_id = {row}.company_id AND s.active)"
        )
        old, new = counted.format(row="OLD"), counted.format(row="NEW")
        olds = ", ".join(f"OLD.{c}" for c in columns)
        news = ", ".join(f"NEW.{c}" for c in columns)
        # Only constants of the add-ons are formatted in: no user input.
        statements = f"""
            CREATE OR REPLACE FUNCTION {function}() RETURNS trigger
            LANGUAGE plpgsql AS $$
            DECLARE
                was boolean := FALSE;
                counted boolean := FALSE;
            BEGIN
                IF TG_OP <> 'INSERT' THEN
                    was := OLD.partner_id IS NOT NULL AND ({old});
                END IF;
                IF TG_OP <> 'DELETE' THEN
                    counted := NEW.partner_id IS NOT NULL AND ({new});
                END IF;
                IF TG_OP = 'UPDATE' AND (NOT (was OR counted)
                                         OR ({olds}) IS NOT DISTINCT FROM ({news})) THEN
                    RETURN NULL;
                END IF;
                IF was THEN
                    INSERT INTO oto_wallet_change
                           (kind, company_id, partner_id, old_date)
                    VALUES ('purchase', OLD.company_id, OLD.partner_id, OLD.date_order);
                END IF;
                IF counted THEN
                    INSERT INTO oto_wallet_change
                           (kind, company_id, partner_id, new_date)
                    VALUES ('purchase', NEW.company_id, NEW.partner_id, NEW.date_order);
                END IF;
                RETURN NULL;
            END $$;
            DROP TRIGGER IF EXISTS oto_wallet_change ON {table};
            CREATE TRIGGER oto_wallet_change AFTER INSERT OR UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION {function}();
        """
        self.env.cr.execute(SQL(statements))

    @api.model
    def _wallet_change_log_drop(self, sources=("sale_order", "oto_external_purchase")):
        """Remove the change log and its triggers (uninstall): Odoo's tables
        stay as they were. ``sources``: the tables of orders whose triggers
        go (bridges pass theirs)."""
        cr = self.env.cr
        for table in sources:
            cr.execute(
                SQL(
                    "DROP TRIGGER IF EXISTS oto_wallet_change ON %s",
                    SQL.identifier(table),
                )
            )
            cr.execute(
                SQL(
                    "DROP FUNCTION IF EXISTS %s()",
                    SQL.identifier(f"oto_{table}_wallet_change"),
                )
            )
        if "sale_order" not in sources:
            return
        for table in ("oto_seller", "oto_store", "res_company"):
            cr.execute(
                SQL(
                    "DROP TRIGGER IF EXISTS oto_wallet_change ON %s",
                    SQL.identifier(table),
                )
            )
        for function in ("seller", "store", "company"):
            cr.execute(
                SQL(
                    "DROP FUNCTION IF EXISTS %s()",
                    SQL.identifier(f"oto_{function}_wallet_change"),
                )
            )
        cr.execute("DROP TABLE IF EXISTS oto_wallet_change")
        cr.execute("DROP TABLE IF EXISTS oto_wallet_run_queue")

    def init(self):
        self._wallet_change_log_init()
        # The results look for orders written since their last refresh.
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
