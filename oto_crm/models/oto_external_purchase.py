# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import sql

# An external purchase counts when done and not refunded in full (SQL on the
# row ``{row}``): the same rule as a POS order.
EXTERNAL_COUNTED = (
    "{row}.state = 'done' "
    "AND {row}.amount_total - COALESCE({row}.refunded_amount, 0) > 0.005"
)


class OtoExternalPurchase(models.Model):
    """A purchase made in another system (the brand's former ERP, its
    e-commerce platform), brought in by an import or a feed: a light row
    the purchases view (``oto.purchase``) reads like a sale or a POS order,
    without an Odoo order behind it. Keyed by the other system's id within
    the company, so that the same purchase sent twice is updated, never
    counted twice."""

    _name = "oto.external.purchase"
    _description = "Purchase from another system"
    _order = "date_order desc, id desc"
    _rec_name = "reference"
    _check_company_auto = True

    external_id = fields.Char(
        string="External ID",
        required=True,
        help="The purchase's id in the system it comes from, unique in the "
        "company: a purchase imported again is updated, not duplicated.",
    )
    reference = fields.Char(help="As people know it; the external ID when empty.")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    store_id = fields.Many2one(
        "oto.store",
        ondelete="restrict",
        check_company=True,
        help="Empty for a purchase of no store (online).",
    )
    seller_id = fields.Many2one("oto.seller", ondelete="restrict", check_company=True)
    date_order = fields.Datetime(string="Date", required=True)
    channel = fields.Selection(
        [("store", "Store"), ("online", "Online")], required=True, default="store"
    )
    state = fields.Selection(
        [("done", "Done"), ("cancel", "Cancelled")],
        required=True,
        default="done",
        help="A cancelled purchase is no purchase: it leaves the purchases, "
        "the wallets and the results.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_total = fields.Monetary(
        string="Total",
        help="In the company's currency; the sum of the lines when left empty.",
    )
    refunded_amount = fields.Monetary(
        help="What was given back: the purchase counts for the rest, and is "
        "none when refunded in full.",
    )
    item_count = fields.Float(
        string="Items", help="The sum of the lines' quantities when left empty."
    )
    origin = fields.Char(help="Where it came from: a file or a feed.")
    line_ids = fields.One2many(
        "oto.external.purchase.line", "purchase_id", string="Lines", copy=True
    )

    _sql_constraints = [
        (
            "external_id_company_uniq",
            "unique(company_id, external_id)",
            "A purchase with this external ID already exists in the company.",
        ),
        (
            "refunded_amount_check",
            "CHECK(refunded_amount IS NULL OR refunded_amount >= 0)",
            "A refunded amount cannot be negative.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("reference"):
                vals["reference"] = vals.get("external_id")
        purchases = super().create(vals_list)
        for purchase, vals in zip(purchases, vals_list, strict=True):
            lines = purchase.line_ids
            totals = {
                name: value
                for name, value in (
                    ("amount_total", sum(lines.mapped("price_subtotal"))),
                    ("item_count", sum(lines.mapped("quantity"))),
                )
                if lines and not vals.get(name)
            }
            if totals:
                purchase.write(totals)
        return purchases

    def init(self):
        if not sql.table_exists(self.env.cr, self._table):
            # Odoo's check of missing tables calls init() alone when another
            # add-on is updated before this one (new code, oto_crm not yet
            # updated): nothing to index until oto_crm's update makes it.
            return
        # The engine reads each customer's purchases of the window.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS oto_external_purchase_partner_date_idx "
            "ON oto_external_purchase (partner_id, date_order) "
            "INCLUDE (company_id, store_id, seller_id, amount_total) "
            "WHERE state = 'done'"
        )
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS oto_external_purchase_write_date_idx "
            "ON oto_external_purchase (write_date)"
        )
        self.env["oto.purchase"]._wallet_change_trigger(
            "oto_external_purchase",
            EXTERNAL_COUNTED,
            (
                "state",
                "partner_id",
                "company_id",
                "date_order",
                "amount_total",
                "refunded_amount",
                "store_id",
                "seller_id",
            ),
        )

    def action_cancel(self):
        self.state = "cancel"

    def action_restore(self):
        self.state = "done"


class OtoExternalPurchaseLine(models.Model):
    """A product of an external purchase: the product when the brand's
    catalogue has it (recommendations read it), the other system's product
    reference and name as they came otherwise."""

    _name = "oto.external.purchase.line"
    _description = "Line of a purchase from another system"
    _order = "purchase_id, sequence, id"

    purchase_id = fields.Many2one(
        "oto.external.purchase", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="purchase_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product", index="btree_not_null", ondelete="set null"
    )
    product_ref = fields.Char(
        string="Product reference", help="As the other system names it."
    )
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure")
    price_unit = fields.Float(digits="Product Price")
    price_subtotal = fields.Float(
        string="Subtotal", compute="_compute_price_subtotal", store=True
    )
    currency_id = fields.Many2one(related="purchase_id.currency_id")

    @api.depends("quantity", "price_unit")
    def _compute_price_subtotal(self):
        for line in self:
            line.price_subtotal = line.quantity * line.price_unit
