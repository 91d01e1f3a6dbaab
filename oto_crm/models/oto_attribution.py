# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools
from odoo.tools import SQL, sql

from .brand_time import brand_timezone
from .oto_suggestion import TYPES


class OtoAttribution(models.Model):
    """A sale from a contact ("vendas a partir de contatos"): a purchase made
    within the company's attribution window after a contact that reached the
    customer, credited to that contact and its seller. Last touch: the
    latest such contact before the purchase gets it, so a purchase is
    credited once. Read from the purchases themselves (an SQL view), so a
    purchase recorded late, or cancelled, is credited (or not) correctly."""

    _name = "oto.attribution"
    _description = "Sale from a contact"
    _auto = False
    _order = "purchase_date desc, id desc"
    _rec_name = "reference"

    purchase_id = fields.Many2one("oto.purchase", readonly=True)
    reference = fields.Char(string="Order", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    seller_id = fields.Many2one(
        "oto.seller", readonly=True, help="The seller who made the contact."
    )
    store_id = fields.Many2one("oto.store", readonly=True, help="The seller's store.")
    contact_id = fields.Many2one("oto.contact", readonly=True)
    suggestion_id = fields.Many2one("oto.suggestion", readonly=True)
    campaign_id = fields.Many2one("oto.campaign", readonly=True)
    suggestion_type = fields.Selection(
        TYPES,
        string="Opportunity type",
        readonly=True,
        help="The type of the contact's suggestion (campaign, behaviour, "
        "manual, or a contact the seller started).",
    )
    channel = fields.Selection(
        [
            ("whatsapp", "WhatsApp"),
            ("sms", "SMS"),
            ("call", "Phone call"),
            ("in_person", "In person"),
        ],
        string="Contact channel",
        readonly=True,
    )
    contact_date = fields.Datetime(string="Contacted on", readonly=True)
    purchase_date = fields.Datetime(string="Bought on", readonly=True)
    contact_day = fields.Date(
        readonly=True, help="The contact's day in the brand's local time."
    )
    purchase_day = fields.Date(
        readonly=True, help="The purchase's day in the brand's local time."
    )
    days = fields.Integer(string="Days after the contact", readonly=True)
    amount = fields.Monetary(string="Total", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    item_count = fields.Float(string="Items", readonly=True)
    sale_channel = fields.Selection(
        [("store", "Store"), ("online", "Online")], readonly=True
    )

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, **kwargs):
        # A view: the pending writes of the tables behind it first.
        self.env["oto.purchase"]._flush_sources()
        for model in ("oto.contact", "oto.suggestion", "oto.seller", "res.company"):
            self.env[model].flush_model()
        return super()._search(
            domain, offset=offset, limit=limit, order=order, **kwargs
        )

    @api.model
    def _query(self, bounds=None):
        """The view's query. ``bounds`` (the results' figures): a dict with
        ``purchase_from`` and ``purchase_to`` (UTC datetimes, the purchases of
        a period), ``contact_since`` (the earliest contact that can be
        credited with them, the window before the period) and optionally
        ``contact_until``, ``company_id`` and ``seller_ids``: the same rows
        as the view filtered on those dates, found without reading the
        others."""
        # Driven by the contacts, so that a seller's or a period's sales read
        # only their contacts and those customers' purchases.
        extra = SQL()
        later = SQL()
        if bounds:
            extra = SQL(
                " AND c.date >= %(since)s AND p.date >= %(start)s AND p.date < %(end)s",
                since=bounds["contact_since"],
                start=bounds["purchase_from"],
                end=bounds["purchase_to"],
            )
            # A later contact is after the credited one, so after ``since``.
            later = SQL(" AND later.date >= %s", bounds["contact_since"])
            if bounds.get("contact_until"):
                extra = SQL("%s AND c.date < %s", extra, bounds["contact_until"])
            if bounds.get("company_id"):
                extra = SQL("%s AND c.company_id = %s", extra, bounds["company_id"])
            if bounds.get("seller_ids") is not None:
                extra = SQL(
                    "%s AND c.seller_id = ANY(%s)", extra, list(bounds["seller_ids"])
                )
        return SQL(
            """
            SELECT p.id AS id, p.id AS purchase_id, p.reference, p.partner_id,
                   p.company_id, c.seller_id, s.store_id, c.id AS contact_id,
                   c.suggestion_id, sg.campaign_id,
                   COALESCE(sg.type, 'contact') AS suggestion_type, c.channel,
                   c.date AS contact_date, p.date AS purchase_date,
                   (c.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                       AS contact_day,
                   p.day AS purchase_day,
                   p.day - (c.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                       AS days,
                   p.amount, p.item_count, p.channel AS sale_channel
              FROM oto_contact c
              JOIN res_company co ON co.id = c.company_id
              JOIN oto_purchase p
                ON p.partner_id = c.partner_id AND p.company_id = c.company_id
               AND p.date >= c.date
               AND p.day <= (c.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                            + co.oto_attribution_days
              LEFT JOIN oto_seller s ON s.id = c.seller_id
              LEFT JOIN oto_suggestion sg ON sg.id = c.suggestion_id
             WHERE c.reached = 'yes'
               -- Last touch: no later contact reached them before the purchase.
               AND NOT EXISTS (
                    SELECT 1 FROM oto_contact later
                     WHERE later.partner_id = c.partner_id
                       AND later.company_id = c.company_id
                       AND later.reached = 'yes'
                       AND (later.date, later.id) > (c.date, c.id)
                       AND later.date <= p.date %(later)s)
                   %(extra)s
            """,
            tz=brand_timezone(self.env),
            later=later,
            extra=extra,
        )

    def init(self):
        # Built on the purchases view, which the POS bridge rebuilds (and
        # this one with it): the purchases' init calls this one; while the
        # tables it reads are not all there yet (first install), later.
        cr = self.env.cr
        cr.execute(
            "SELECT to_regclass('oto_purchase'), to_regclass('oto_contact'), "
            "to_regclass('oto_suggestion'), to_regclass('oto_seller')"
        )
        if not all(cr.fetchone()) or not sql.column_exists(
            cr, "res_company", "oto_attribution_days"
        ):
            return
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS oto_contact_reached_partner_date_idx "
            "ON oto_contact (partner_id, date) WHERE reached = 'yes'"
        )
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )

    def action_open_customer(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
