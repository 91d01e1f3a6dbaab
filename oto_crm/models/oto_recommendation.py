# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .brand_time import brand_today

_logger = logging.getLogger(__name__)

KINDS = [
    ("together", "Bought together"),
    ("new", "New in a favourite category"),
    ("category", "Best seller in a favourite category"),
    ("store", "Best seller of the store"),
    ("brand", "Best seller of the brand"),
]
MAX_PER_SUGGESTION = 3


class OtoRecommendation(models.Model):
    """A product to offer on a suggestion, and why: computed in the nightly
    batch for the day's suggestions, set-based over the purchases' lines."""

    _name = "oto.recommendation"
    _description = "Product recommendation"
    _order = "suggestion_id, sequence"

    suggestion_id = fields.Many2one(
        "oto.suggestion", required=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
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
            "stats_since": start - timedelta(days=stats),
            "min_support": max(support, 1),
        }

    @api.model
    def _compute_for_suggestions(self, suggestions, today=None):
        """Replace the recommendations of ``suggestions`` (one company's):
        up to three products each, the first kind that has some first:
        products often bought in the same purchase as what
        this customer bought last, new products of their favourite categories, best
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
        lines = SQL(" UNION ALL ").join(
            self.env["oto.purchase"]._get_purchase_line_queries()
        )
        params = self._params(company, today)
        # The lines read once, in a statement PostgreSQL may run in parallel
        # (an INSERT never is): the recent sales, and the year of the day's
        # customers.
        cr.execute("DROP TABLE IF EXISTS oto_recommendation_line")
        cr.execute(
            SQL(
                """
                CREATE TEMP TABLE oto_recommendation_line AS
                SELECT l.purchase_id, l.partner_id, l.store_id, l.product_id,
                       l.date, l.qty
                  FROM (%(lines)s) l
                 WHERE l.company_id = %(company)s AND l.date >= %(since)s
                   AND l.partner_id IS NOT NULL
                   AND (l.date >= %(stats_since)s
                        OR l.partner_id IN (SELECT partner_id FROM oto_suggestion
                                             WHERE id = ANY(%(suggestions)s)))
                """,
                lines=lines,
                suggestions=suggestions.ids,
                company=params["company"],
                since=params["since"],
                stats_since=params["stats_since"],
            )
        )
        cr.execute("ANALYZE oto_recommendation_line")
        cr.execute(
            SQL(
                """
                WITH target AS MATERIALIZED (
                    SELECT s.id AS suggestion_id, s.partner_id,
                           COALESCE(s.store_id, p.oto_store_id) AS store_id
                      FROM oto_suggestion s JOIN res_partner p ON p.id = s.partner_id
                     WHERE s.id = ANY(%(suggestions)s)
                ), line AS NOT MATERIALIZED (
                    SELECT * FROM oto_recommendation_line
                ), recent_line AS NOT MATERIALIZED (
                    -- What sells now (bought together, best sellers): the
                    -- last weeks, not the whole year.
                    SELECT purchase_id, store_id, product_id, qty
                      FROM line WHERE date >= %(stats_since)s
                ), product AS MATERIALIZED (
                    SELECT pp.id AS product_id, pt.categ_id, pp.create_date,
                           pp.active AND pt.active AND pt.sale_ok
                           AND pt.type <> 'combo'
                           AND (pt.company_id IS NULL OR pt.company_id = %(company)s)
                           AS available
                      FROM product_product pp
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                ), bought AS MATERIALIZED (
                    -- The day's customers' products (their own lines only).
                    SELECT partner_id, product_id, max(date) AS last
                      FROM line
                     WHERE partner_id IN (SELECT partner_id FROM target)
                     GROUP BY partner_id, product_id
                ), mine AS MATERIALIZED (
                    SELECT t.suggestion_id, t.partner_id, b.product_id, b.last,
                           row_number() OVER (PARTITION BY t.suggestion_id
                                              ORDER BY b.last DESC, b.product_id) AS rn
                      FROM target t JOIN bought b ON b.partner_id = t.partner_id
                ), anchor AS MATERIALIZED (
                    SELECT * FROM mine WHERE rn <= 3
                ), pair AS MATERIALIZED (
                    -- How many purchases had both (the anchor and another).
                    SELECT x.product_id AS anchor_id, y.product_id, count(*) AS support
                      FROM recent_line x
                      JOIN recent_line y ON y.purchase_id = x.purchase_id
                                 AND y.product_id <> x.product_id
                     WHERE x.product_id IN (SELECT product_id FROM anchor)
                     GROUP BY x.product_id, y.product_id
                    HAVING count(*) >= %(min_support)s
                ), pair_top AS (
                    SELECT * FROM (
                        SELECT pair.*, row_number() OVER (
                                   PARTITION BY anchor_id
                                   ORDER BY support DESC, product_id) AS rn
                          FROM pair JOIN product pr USING (product_id)
                         WHERE pr.available) r
                     WHERE rn <= 10
                ), favourite AS (
                    SELECT * FROM (
                        SELECT m.suggestion_id, pr.categ_id, count(*) AS n,
                               row_number() OVER (
                                   PARTITION BY m.suggestion_id
                                   ORDER BY count(*) DESC, max(m.last) DESC,
                                            pr.categ_id) AS rn
                          FROM mine m JOIN product pr USING (product_id)
                         GROUP BY m.suggestion_id, pr.categ_id) r
                     WHERE rn <= 2
                ), sold AS MATERIALIZED (
                    SELECT store_id, product_id, sum(qty) AS units
                      FROM recent_line GROUP BY store_id, product_id
                ), brand_sold AS MATERIALIZED (
                    SELECT s.product_id, sum(s.units) AS units, pr.categ_id
                      FROM sold s JOIN product pr USING (product_id)
                     WHERE pr.available
                     GROUP BY s.product_id, pr.categ_id
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
                          FROM sold s JOIN product pr USING (product_id)
                         WHERE pr.available AND s.store_id IS NOT NULL) r
                     WHERE rn <= 10
                ), brand_top AS (
                    SELECT * FROM brand_sold ORDER BY units DESC, product_id LIMIT 10
                ), candidate AS (
                    SELECT a.suggestion_id, p.product_id, 1 AS rank, 'together' AS kind,
                           a.product_id AS anchor_id, NULL::int AS categ_id,
                           NULL::int AS store_id, p.support::float AS score,
                           a.rn AS tie
                      FROM anchor a JOIN pair_top p ON p.anchor_id = a.product_id
                    UNION ALL
                    SELECT f.suggestion_id, n.product_id, 2, 'new', NULL, f.categ_id,
                           NULL, f.n, f.rn
                      FROM favourite f JOIN new_top n ON n.categ_id = f.categ_id
                    UNION ALL
                    SELECT f.suggestion_id, c.product_id, 3, 'category', NULL,
                           f.categ_id, NULL, c.units, f.rn
                      FROM favourite f JOIN category_top c ON c.categ_id = f.categ_id
                    UNION ALL
                    SELECT t.suggestion_id, s.product_id, 4, 'store', NULL, NULL,
                           t.store_id, s.units, 0
                      FROM target t JOIN store_top s ON s.store_id = t.store_id
                    UNION ALL
                    SELECT t.suggestion_id, b.product_id, 5, 'brand', NULL, NULL,
                           NULL, b.units, 0
                      FROM target t CROSS JOIN brand_top b
                ), eligible AS (
                    SELECT DISTINCT ON (c.suggestion_id, c.product_id) c.*
                      FROM candidate c JOIN target t USING (suggestion_id)
                     WHERE NOT EXISTS (
                               SELECT 1 FROM bought b
                                WHERE b.partner_id = t.partner_id
                                  AND b.product_id = c.product_id
                                  AND b.last >= %(recent_since)s)
                     ORDER BY c.suggestion_id, c.product_id, c.rank, c.score DESC, c.tie
                ), ranked AS (
                    SELECT e.*, row_number() OVER (
                               PARTITION BY e.suggestion_id
                               ORDER BY e.rank, e.score DESC, e.tie, e.product_id
                           ) AS seq
                      FROM eligible e
                )
                INSERT INTO oto_recommendation (
                    suggestion_id, partner_id, company_id, sequence, product_id, kind,
                    anchor_product_id, category_id, store_id, score,
                    create_uid, create_date, write_uid, write_date)
                SELECT r.suggestion_id, t.partner_id, %(company)s, r.seq, r.product_id,
                       r.kind, r.anchor_id, r.categ_id, r.store_id, r.score,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM ranked r JOIN target t USING (suggestion_id)
                 WHERE r.seq <= %(max)s
                """,
                suggestions=suggestions.ids,
                uid=self.env.uid,
                now=fields.Datetime.now(),
                max=MAX_PER_SUGGESTION,
                **params,
            )
        )
        written = cr.rowcount
        cr.execute("DROP TABLE oto_recommendation_line")
        self.invalidate_model()
        suggestions.invalidate_recordset(["recommendation_ids"])
        return written

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
