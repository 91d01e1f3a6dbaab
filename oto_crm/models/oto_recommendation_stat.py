# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL


class OtoRecommendationStat(models.AbstractModel):
    """A product figure of one brand day kept for the recommendations:
    filled by ``oto.recommendation._refresh_product_stats``, never by hand;
    a day's rows are replaced at once, the window's are read.

    Millions of rows written in bulk: the ids are plain integers, without
    the foreign keys (and their checks per row) of Many2one fields; a
    product or store deleted since is left out where the rows are read
    (they are joined to the available products and the day's stores)."""

    _name = "oto.recommendation.stat"
    _description = "Product figures of a day (recommendations)"
    _log_access = False

    company_id = fields.Integer(required=True, readonly=True)
    day = fields.Date(required=True, readonly=True)

    def init(self):
        if self._abstract:
            return
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS %s ON %s (company_id, day)",
                SQL.identifier(f"{self._table}_company_day_idx"),
                SQL.identifier(self._table),
            )
        )


class OtoRecommendationSale(models.Model):
    """What a store sold of a product on one day (brand's day): the best
    sellers of the recommendations add up the kept days of their window
    instead of reading every order line of it each night."""

    _name = "oto.recommendation.sale"
    _inherit = ["oto.recommendation.stat"]
    _description = "Product sales of a day (recommendations)"
    _log_access = False
    _order = "day desc, store_id, product_id"

    store_id = fields.Integer(readonly=True)
    product_id = fields.Integer(required=True, readonly=True)
    units = fields.Float(readonly=True)
    purchases = fields.Integer(readonly=True)


class OtoRecommendationPair(models.Model):
    """How many purchases of one day had both products: the "bought
    together" counts of the recommendations, kept per day for the same
    reason as ``oto.recommendation.sale``. One row per ordered pair."""

    _name = "oto.recommendation.pair"
    _inherit = ["oto.recommendation.stat"]
    _description = "Products bought together on a day (recommendations)"
    _log_access = False
    _order = "day desc, anchor_product_id, product_id"

    anchor_product_id = fields.Integer(
        string="Product bought", required=True, readonly=True
    )
    product_id = fields.Integer(string="Also bought", required=True, readonly=True)
    purchases = fields.Integer(readonly=True)
