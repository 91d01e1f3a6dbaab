# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import time
from datetime import timedelta
from functools import partial

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .brand_time import brand_timezone, brand_today, day_ranges, utc_start
from .oto_suggestion import OPEN_STATES

_logger = logging.getLogger(__name__)

KINDS = [
    ("together", "Bought together"),
    ("new", "New in a favourite category"),
    ("category", "Best seller in a favourite category"),
    ("store", "Best seller of the store"),
    ("brand", "Best seller of the brand"),
]
MAX_PER_SUGGESTION = 3
# The day's new opportunities: a batch per statement, and the scheduled
# job's time budget (the next run goes on).
NEW_OPPORTUNITY_BATCH = 500
NEW_OPPORTUNITY_BUDGET = 240
# The batch's working tables (temporary: this transaction's only).
TEMP_TABLES = (
    "oto_recommendation_target",
    "oto_recommendation_bought",
    "oto_recommendation_anchor",
    "oto_recommendation_pair_top",
    "oto_recommendation_together",
)


class OtoRecommendation(models.Model):
    """A product to offer on a suggestion, and why: computed in the nightly
    batch for the day's suggestions, set-based over the purchases' lines."""

    _name = "oto.recommendation"
    _inherit = ["oto.kept.days"]
    _description = "Product recommendation"
    _order = "suggestion_id, sequence"
    # Written by the nightly batch for every suggestion of the day, read
    # through their suggestion: neither who wrote them nor when is kept.
    _log_access = False
    # The kept product stats (see _refresh_product_stats).
    _kept_key = "recommendation_stats"

    suggestion_id = fields.Many2one(
        "oto.suggestion", required=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(related="suggestion_id.partner_id", string="Customer")
    company_id = fields.Many2one(related="suggestion_id.company_id")
    sequence = fields.Integer(readonly=True)
    product_id = fields.Many2one(
        "product.product", required=True, readonly=True, ondelete="cascade"
    )
    kind = fields.Selection(KINDS, required=True, readonly=True)
    anchor_product_id = fields.Many2one(
        "product.product",
        string="Because they bought",
        readonly=True,
        ondelete="set null",
    )
    category_id = fields.Many2one(
        "product.category", readonly=True, ondelete="set null"
    )
    store_id = fields.Many2one("oto.store", readonly=True, ondelete="set null")
    score = fields.Float(
        readonly=True,
        help="Purchases with both products (bought together), "
        "units sold (best sellers) or purchases in the category (new products).",
    )
    reason = fields.Char(string="Why", compute="_compute_reason")

    @api.depends("kind", "product_id", "anchor_product_id", "category_id", "store_id")
    def _compute_reason(self):
        for rec in self:
            product = rec.product_id.name
            if rec.kind == "together":
                rec.reason = self.env._(
                    "Customers who bought %(anchor)s also bought %(product)s",
                    anchor=rec.anchor_product_id.name,
                    product=product,
                )
            elif rec.kind == "new":
                rec.reason = self.env._(
                    "New in %(category)s, a category they buy",
                    category=rec.category_id.name,
                )
            elif rec.kind == "category":
                rec.reason = self.env._(
                    "Best seller in %(category)s, a category they buy",
                    category=rec.category_id.name,
                )
            elif rec.kind == "store":
                rec.reason = self.env._(
                    "Best seller at %(store)s", store=rec.store_id.name
                )
            else:
                rec.reason = self.env._(
                    "Best seller of %(brand)s", brand=rec.company_id.name
                )

    # --------------------------------------------------------------- batch

    @api.model
    def _params(self, company, today):
        ICP = self.env["ir.config_parameter"].sudo()
        recent = int(ICP.get_param("oto_crm.recommendation_recent_days", 90))
        new = int(ICP.get_param("oto_crm.recommendation_new_days", 60))
        support = int(ICP.get_param("oto_crm.recommendation_min_support", 2))
        stats = int(ICP.get_param("oto_crm.recommendation_stats_days", 90))
        start = fields.Datetime.to_datetime(today) + timedelta(days=1)
        return {
            "company": company.id,
            "since": start - relativedelta(months=company.oto_window_months or 12),
            "recent_since": start - timedelta(days=recent),
            "new_since": start - timedelta(days=new),
            # What sells now (bought together, best sellers): the brand's
            # days of the last weeks, today included.
            "stats_from": today - timedelta(days=max(stats, 1) - 1),
            "today": today,
            "min_support": max(support, 1),
        }

    # --------------------------------------------------- kept product stats

    @api.model
    def _refresh_product_stats(self, company, today):
        """Bring the kept sales per store and product and the purchases per
        pair of products (``oto.recommendation.sale`` and
        ``oto.recommendation.pair``) up to ``today`` over the stats window:
        the days not kept yet, the days whose purchases were written since
        the last refresh (a late order, a cancellation), and today (kept
        until tomorrow's refresh). Days that left the window are dropped.
        Returns the day ranges computed."""
        cr = self.env.cr
        # One refresh at a time per company; the next one finds it done.
        cr.execute(
            "SELECT pg_advisory_xact_lock(hashtext('oto_recommendation_stat'), %s)",
            [company.id],
        )
        self.env["oto.purchase"]._flush_sources()
        first = self._params(company, today)["stats_from"]
        yesterday = today - timedelta(days=1)
        todo = {today}
        if first <= yesterday:
            todo |= self._days_to_compute(
                company, first, yesterday, partial(self._changed_days, company)
            )
        for table in self._stat_tables():
            cr.execute(
                SQL(
                    "DELETE FROM %s WHERE company_id = %s AND (day < %s OR day > %s)",
                    SQL.identifier(table),
                    company.id,
                    first,
                    today,
                )
            )
        ranges = day_ranges(sorted(todo))
        for date_from, date_to in ranges:
            self._store_product_stats(company, date_from, date_to)
        self._days_kept(company, first, yesterday, ranges)
        return ranges

    def _stat_tables(self):
        return (
            self.env["oto.recommendation.sale"]._table,
            self.env["oto.recommendation.pair"]._table,
        )

    @api.model
    def _changed_days(self, company, since):
        """The days of the purchases written since ``since``."""
        queries = self.env["oto.purchase"]._get_changed_day_queries(company.id, since)
        self.env.cr.execute(SQL(" UNION ").join(queries))
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _store_product_stats(self, company, date_from, date_to):
        """Replace the kept stats of the brand's days ``date_from`` to
        ``date_to`` with those of their purchases' lines (walk-in sales
        without a customer included: they tell what sells too)."""
        cr = self.env.cr
        for table in self._stat_tables():
            cr.execute(
                SQL(
                    "DELETE FROM %s WHERE company_id = %s AND day >= %s AND day <= %s",
                    SQL.identifier(table),
                    company.id,
                    date_from,
                    date_to,
                )
            )
        lines = SQL(" UNION ALL ").join(
            self.env["oto.purchase"]._get_purchase_line_queries()
        )
        # The lines read once (a statement PostgreSQL may run in parallel),
        # a product once per purchase.
        cr.execute("DROP TABLE IF EXISTS oto_recommendation_stat_line")
        cr.execute(
            SQL(
                """
                CREATE TEMP TABLE oto_recommendation_stat_line AS
                SELECT l.purchase_id,
                       (l.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS day,
                       l.store_id, l.product_id, sum(l.qty) AS qty
                  FROM (%(lines)s) l
                 WHERE l.company_id = %(company)s
                   AND l.date >= %(start)s AND l.date < %(end)s
                 GROUP BY 1, 2, 3, 4
                """,
                lines=lines,
                tz=brand_timezone(self.env),
                company=company.id,
                start=utc_start(date_from, brand_timezone(self.env)),
                end=utc_start(date_to + timedelta(days=1), brand_timezone(self.env)),
            )
        )
        cr.execute("ANALYZE oto_recommendation_stat_line")
        cr.execute(
            SQL(
                """
                INSERT INTO oto_recommendation_sale (company_id, day, store_id,
                                                     product_id, units, purchases)
                SELECT %s, day, store_id, product_id, sum(qty), count(*)
                  FROM oto_recommendation_stat_line
                 GROUP BY day, store_id, product_id
                """,
                company.id,
            )
        )
        cr.execute(
            SQL(
                """
                INSERT INTO oto_recommendation_pair (company_id, day,
                                                     anchor_product_id, product_id,
                                                     purchases)
                SELECT %s, x.day, x.product_id, y.product_id, count(*)
                  FROM oto_recommendation_stat_line x
                  JOIN oto_recommendation_stat_line y
                    ON y.purchase_id = x.purchase_id AND y.product_id <> x.product_id
                 GROUP BY x.day, x.product_id, y.product_id
                """,
                company.id,
            )
        )
        cr.execute("DROP TABLE oto_recommendation_stat_line")
        self.env["oto.recommendation.sale"].invalidate_model()
        self.env["oto.recommendation.pair"].invalidate_model()

    @api.model
    def _product_sql(self, company):
        """SQL of the products: (product_id, categ_id, create_date,
        available), available meaning one the brand may offer (active, for
        sale, not a combo, shared or its own)."""
        return SQL(
            """
            SELECT pp.id AS product_id, pt.categ_id, pp.create_date,
                   pp.active AND pt.active AND pt.sale_ok AND pt.type <> 'combo'
                   AND (pt.company_id IS NULL OR pt.company_id = %s) AS available
              FROM product_product pp
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
            """,
            company.id,
        )

    @api.model
    def _compute_for_suggestions(self, suggestions, today=None):
        """Replace the recommendations of ``suggestions`` (one company's):
        up to three products each, the first kind that has some first:
        products often bought in the same purchase as what this customer
        bought last, new products of their favourite categories, best
        sellers of those categories, then the store's and the brand's best
        sellers. Never a product they bought recently, nor one not for sale.
        Returns the number of recommendations written."""
        if not suggestions:
            return 0
        company = suggestions.company_id
        company.ensure_one()
        today = today or brand_today(self.env)
        self.env.flush_all()
        cr = self.env.cr
        self.env["oto.wallet.engine"].sudo()._set_work_mem()
        cr.execute(
            "DELETE FROM oto_recommendation WHERE suggestion_id = ANY(%s)",
            [suggestions.ids],
        )
        params = self._params(company, today)
        self._refresh_product_stats(company, today)
        self._prepare_customers(company, suggestions, params)
        cr.execute(
            SQL(
                """
                WITH target AS (
                    SELECT * FROM oto_recommendation_target
                ), product AS MATERIALIZED (
                    %(products)s
                ), short AS MATERIALIZED (
                    -- The other kinds are looked for only where bought
                    -- together does not fill the places (they rank after it).
                    SELECT t.* FROM target t
                      LEFT JOIN (SELECT partner_id, count(*) AS n
                                   FROM oto_recommendation_together
                                  GROUP BY partner_id) x USING (partner_id)
                     WHERE COALESCE(x.n, 0) < %(max)s
                ), favourite AS (
                    SELECT * FROM (
                        SELECT b.partner_id, pr.categ_id, count(*) AS n,
                               row_number() OVER (
                                   PARTITION BY b.partner_id
                                   ORDER BY count(*) DESC, max(b.last) DESC,
                                            pr.categ_id) AS rn
                          FROM oto_recommendation_bought b
                          JOIN product pr USING (product_id)
                         WHERE b.partner_id IN (SELECT partner_id FROM short)
                         GROUP BY b.partner_id, pr.categ_id) r
                     WHERE rn <= 2
                ), store_sold AS MATERIALIZED (
                    SELECT store_id, product_id, sum(units) AS units
                      FROM oto_recommendation_sale
                     WHERE company_id = %(company)s
                       AND day >= %(stats_from)s AND day <= %(today)s
                       AND store_id IN (SELECT store_id FROM short)
                     GROUP BY store_id, product_id
                ), brand_sold AS MATERIALIZED (
                    SELECT s.product_id, s.units, pr.categ_id
                      FROM (SELECT product_id, sum(units) AS units
                              FROM oto_recommendation_sale
                             WHERE company_id = %(company)s
                               AND day >= %(stats_from)s AND day <= %(today)s
                               AND EXISTS (SELECT 1 FROM short)
                             GROUP BY product_id) s
                      JOIN product pr USING (product_id)
                     WHERE pr.available
                ), category_top AS (
                    SELECT * FROM (
                        SELECT b.*, row_number() OVER (
                                   PARTITION BY categ_id
                                   ORDER BY units DESC, product_id) AS rn
                          FROM brand_sold b) r
                     WHERE rn <= 10
                ), new_top AS (
                    SELECT * FROM (
                        SELECT pr.*, row_number() OVER (
                                   PARTITION BY categ_id
                                   ORDER BY create_date DESC, product_id) AS rn
                          FROM product pr
                         WHERE pr.available AND pr.create_date >= %(new_since)s) r
                     WHERE rn <= 10
                ), store_top AS (
                    SELECT * FROM (
                        SELECT s.*, row_number() OVER (
                                   PARTITION BY s.store_id
                                   ORDER BY s.units DESC, s.product_id) AS rn
                          FROM store_sold s JOIN product pr USING (product_id)
                         WHERE pr.available) r
                     WHERE rn <= 10
                ), brand_top AS (
                    SELECT * FROM brand_sold ORDER BY units DESC, product_id LIMIT 10
                ), fallback AS (
                    SELECT s.suggestion_id, n.product_id, 2 AS rank, 'new' AS kind,
                           f.categ_id, NULL::int AS store_id, f.n::float AS score,
                           f.rn AS tie
                      FROM short s
                      JOIN favourite f USING (partner_id)
                      JOIN new_top n ON n.categ_id = f.categ_id
                    UNION ALL
                    SELECT s.suggestion_id, c.product_id, 3, 'category', f.categ_id,
                           NULL, c.units, f.rn
                      FROM short s
                      JOIN favourite f USING (partner_id)
                      JOIN category_top c ON c.categ_id = f.categ_id
                    UNION ALL
                    SELECT s.suggestion_id, st.product_id, 4, 'store', NULL,
                           s.store_id, st.units, 0
                      FROM short s JOIN store_top st ON st.store_id = s.store_id
                    UNION ALL
                    SELECT s.suggestion_id, b.product_id, 5, 'brand', NULL, NULL,
                           b.units, 0
                      FROM short s CROSS JOIN brand_top b
                ), fallback_eligible AS (
                    -- Each product once (its first kind), never one bought
                    -- recently nor one already offered as bought together.
                    SELECT DISTINCT ON (c.suggestion_id, c.product_id) c.*
                      FROM fallback c JOIN short s USING (suggestion_id)
                     WHERE NOT EXISTS (
                               SELECT 1 FROM oto_recommendation_bought b
                                WHERE b.partner_id = s.partner_id
                                  AND b.product_id = c.product_id
                                  AND b.last >= %(recent_since)s)
                       AND NOT EXISTS (
                               SELECT 1 FROM oto_recommendation_together x
                                WHERE x.partner_id = s.partner_id
                                  AND x.product_id = c.product_id)
                     ORDER BY c.suggestion_id, c.product_id, c.rank, c.score DESC, c.tie
                ), ranked AS (
                    SELECT e.*, row_number() OVER (
                               PARTITION BY e.suggestion_id
                               ORDER BY e.rank, e.score DESC, e.tie, e.product_id
                           ) AS seq
                      FROM (SELECT t.suggestion_id, x.product_id, 1 AS rank,
                                   'together' AS kind, x.anchor_id,
                                   NULL::int AS categ_id, NULL::int AS store_id,
                                   x.score, x.tie
                              FROM target t
                              JOIN oto_recommendation_together x USING (partner_id)
                            UNION ALL
                            SELECT suggestion_id, product_id, rank, kind, NULL,
                                   categ_id, store_id, score, tie
                              FROM fallback_eligible) e
                )
                INSERT INTO oto_recommendation (
                    suggestion_id, sequence, product_id, kind, anchor_product_id,
                    category_id, store_id, score)
                SELECT r.suggestion_id, r.seq, r.product_id, r.kind, r.anchor_id,
                       r.categ_id, r.store_id, r.score
                  FROM ranked r
                 WHERE r.seq <= %(max)s
                """,
                products=self._product_sql(company),
                max=MAX_PER_SUGGESTION,
                **params,
            )
        )
        written = cr.rowcount
        cr.execute(
            SQL("DROP TABLE %s", SQL(", ").join(map(SQL.identifier, TEMP_TABLES)))
        )
        # Done for them, with or without products (the next run of the day's
        # new opportunities does not ask again); not a change of theirs.
        cr.execute(
            "UPDATE oto_suggestion SET products_computed = true "
            "WHERE id = ANY(%s) AND products_computed IS NOT TRUE",
            [suggestions.ids],
        )
        self.invalidate_model()
        suggestions.invalidate_recordset(["recommendation_ids", "products_computed"])
        return written

    @api.model
    def _prepare_customers(self, company, suggestions, params):
        """What the day's customers need, in temporary tables: each is one
        statement PostgreSQL may run in parallel (an INSERT never is) and
        gives the next ones true row counts to plan with.

        - ``oto_recommendation_target``: (suggestion_id, partner_id,
          store_id), the suggestion's store or else the customer's;
        - ``oto_recommendation_bought``: (partner_id, product_id, last), the
          customers' products of the window (their own lines only);
        - ``oto_recommendation_anchor``: (partner_id, product_id, rn), the
          last three of them;
        - ``oto_recommendation_pair_top``: (anchor_id, product_id, support),
          for each of those products the ten available ones most often in
          the same purchase over the stats window (at least the minimum);
        - ``oto_recommendation_together``: (partner_id, product_id,
          anchor_id, score, tie), each customer's three best of those, each
          product once (its best anchor), none bought recently."""
        cr = self.env.cr
        cr.execute(
            SQL(
                "DROP TABLE IF EXISTS %s",
                SQL(", ").join(map(SQL.identifier, TEMP_TABLES)),
            )
        )
        cr.execute(
            SQL(
                """
                CREATE TEMP TABLE oto_recommendation_target AS
                SELECT s.id AS suggestion_id, s.partner_id,
                       COALESCE(s.store_id, p.oto_store_id) AS store_id
                  FROM oto_suggestion s JOIN res_partner p ON p.id = s.partner_id
                 WHERE s.id = ANY(%s)
                """,
                suggestions.ids,
            )
        )
        cr.execute("ANALYZE oto_recommendation_target")
        cr.execute("SELECT DISTINCT partner_id FROM oto_recommendation_target")
        partners = [row[0] for row in cr.fetchall()]
        # The customers as a list of values (not a temporary table, which
        # parallel workers cannot read).
        lines = SQL(" UNION ALL ").join(
            self.env["oto.purchase"]._get_purchase_line_queries()
        )
        cr.execute(
            SQL(
                """
                CREATE TEMP TABLE oto_recommendation_bought AS
                SELECT l.partner_id, l.product_id, max(l.date) AS last
                  FROM (%(lines)s) l
                 WHERE l.company_id = %(company)s AND l.date >= %(since)s
                   AND l.partner_id = ANY(%(partners)s)
                 GROUP BY l.partner_id, l.product_id
                """,
                lines=lines,
                company=params["company"],
                since=params["since"],
                partners=partners,
            )
        )
        cr.execute("ANALYZE oto_recommendation_bought")
        cr.execute(
            """
            CREATE TEMP TABLE oto_recommendation_anchor AS
            SELECT * FROM (
                SELECT partner_id, product_id, row_number() OVER (
                           PARTITION BY partner_id ORDER BY last DESC, product_id) AS rn
                  FROM oto_recommendation_bought) b
             WHERE rn <= 3
            """
        )
        cr.execute("ANALYZE oto_recommendation_anchor")
        cr.execute("SELECT DISTINCT product_id FROM oto_recommendation_anchor")
        anchors = [row[0] for row in cr.fetchall()]
        cr.execute(
            SQL(
                """
                CREATE TEMP TABLE oto_recommendation_pair_top AS
                SELECT anchor_id, product_id, support FROM (
                    SELECT s.anchor_id, s.product_id, s.support,
                           row_number() OVER (
                               PARTITION BY s.anchor_id
                               ORDER BY s.support DESC, s.product_id) AS rn
                      FROM (SELECT anchor_product_id AS anchor_id, product_id,
                                   sum(purchases) AS support
                              FROM oto_recommendation_pair
                             WHERE company_id = %(company)s
                               AND day >= %(stats_from)s AND day <= %(today)s
                               AND anchor_product_id = ANY(%(anchors)s)
                             GROUP BY anchor_product_id, product_id
                            HAVING sum(purchases) >= %(min_support)s) s
                      JOIN (%(products)s) pr USING (product_id)
                     WHERE pr.available) r
                 WHERE rn <= 10
                """,
                anchors=anchors,
                products=self._product_sql(company),
                **params,
            )
        )
        cr.execute("ANALYZE oto_recommendation_pair_top")
        cr.execute(
            SQL(
                """
                CREATE TEMP TABLE oto_recommendation_together AS
                SELECT partner_id, product_id, anchor_id, score, tie FROM (
                    SELECT c.*, row_number() OVER (
                               PARTITION BY c.partner_id
                               ORDER BY c.score DESC, c.tie, c.product_id) AS seq
                      FROM (SELECT DISTINCT ON (a.partner_id, p.product_id)
                                   a.partner_id, p.product_id,
                                   a.product_id AS anchor_id,
                                   p.support::float AS score, a.rn AS tie
                              FROM oto_recommendation_anchor a
                              JOIN oto_recommendation_pair_top p
                                ON p.anchor_id = a.product_id
                             WHERE NOT EXISTS (
                                       SELECT 1 FROM oto_recommendation_bought b
                                        WHERE b.partner_id = a.partner_id
                                          AND b.product_id = p.product_id
                                          AND b.last >= %(recent_since)s)
                             ORDER BY a.partner_id, p.product_id, p.support DESC,
                                      a.rn) c) r
                 WHERE seq <= %(max)s
                """,
                max=MAX_PER_SUGGESTION,
                **params,
            )
        )
        cr.execute("ANALYZE oto_recommendation_together")

    @api.model
    def _cron_new_opportunities(self):
        """The products to offer for the opportunities created during the
        day (the opportunity API, a manager's hand, the morning's backlog),
        which the nightly batch did not see: each company in turn, in
        batches, until the job's time budget is spent."""
        deadline = time.monotonic() + NEW_OPPORTUNITY_BUDGET
        Suggestion = self.env["oto.suggestion"].sudo()
        companies = Suggestion._read_group(
            [("state", "in", OPEN_STATES), ("products_computed", "=", False)],
            ["company_id"],
        )
        self.env["oto.company.job"]._run_per_company(
            "recommendations",
            self.env["res.company"].browse(c.id for (c,) in companies),
            lambda company: self._compute_new_opportunities(company, deadline),
        )

    @api.model
    def _compute_new_opportunities(self, company, deadline=None):
        """The open opportunities of ``company`` whose products were never
        computed, oldest first, a batch at a time. Returns how many got
        theirs."""
        Suggestion = self.env["oto.suggestion"].sudo()
        today = brand_today(self.env)
        done = 0
        while True:
            batch = Suggestion.search(
                [
                    ("company_id", "=", company.id),
                    ("state", "in", OPEN_STATES),
                    ("products_computed", "=", False),
                ],
                order="id",
                limit=NEW_OPPORTUNITY_BATCH,
            )
            if not batch:
                break
            self.sudo()._compute_for_suggestions(batch, today)
            done += len(batch)
            if deadline is not None and time.monotonic() > deadline:
                break
        if done:
            _logger.info(
                "Recommendations of %s: %s opportunities of the day", company.name, done
            )
        return done

    @api.model
    def _compute_for_day(self, company, today):
        """The nightly batch: the open suggestions of the day."""
        suggestions = (
            self.env["oto.suggestion"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("date", "=", today),
                    ("state", "in", ("backlog", "assigned", "in_progress")),
                ]
            )
        )
        written = self.sudo()._compute_for_suggestions(suggestions, today)
        _logger.info(
            "Recommendations of %s for %s: %s for %s suggestions",
            company.name,
            today,
            written,
            len(suggestions),
        )
        return written
