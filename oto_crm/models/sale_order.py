# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.http import request
from odoo.tools import SQL

from ..tools.seller_link import SESSION_KEY
from .brand_time import brand_day

_logger = logging.getLogger(__name__)

# Who a sale is credited to (the wallets and the results follow it).
CREDIT_FIELDS = {"oto_seller_id", "oto_store_id", "oto_seller_code"}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    oto_seller_code = fields.Char(
        string="Seller code used",
        copy=False,
        help="The seller code the customer used online (link or QR code): the "
        "sale counts for that seller.",
    )
    oto_seller_id = fields.Many2one(
        "oto.seller",
        string="Store seller",
        compute="_compute_oto_seller_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        tracking=True,
        check_company=True,
        help="The store seller credited with this sale (wallet, results): the "
        "seller of the code used online, else the salesperson's seller.",
    )
    oto_store_id = fields.Many2one(
        "oto.store",
        string="Store",
        compute="_compute_oto_store_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        check_company=True,
    )
    oto_channel = fields.Selection(
        [("store", "Store"), ("online", "Online")],
        string="Sales channel",
        default="store",
        help="Online orders carrying a seller code count for that seller.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        # An online cart of a buyer who came through a seller's link.
        code = request and request.session.get(SESSION_KEY)
        for vals in vals_list:
            if code and vals.get("website_id") and not vals.get("oto_seller_code"):
                vals["oto_seller_code"] = code
            if vals.get("oto_seller_code") and not vals.get("oto_channel"):
                vals["oto_channel"] = "online"
        orders = super().create(vals_list)
        # A quotation made from a subject of the funnel is an interaction.
        orders.opportunity_id._oto_interacted()
        return orders

    def write(self, vals):
        self._oto_check_credit_change(vals)
        return super().write(vals)

    def _oto_check_credit_change(self, vals):
        """Who a sale is credited to moves wallets and results: sellers do
        not change it; a store manager moves it between the stores they
        manage; brand admins and Sales' managers as they see fit."""
        fields_ = CREDIT_FIELDS & set(vals)
        if not fields_ or self.env.su or not self:
            return
        user = self.env.user
        if user._has_group("sales_team.group_sale_manager"):
            return
        scope = self.env["oto.access"]._scope()
        if scope.admin or not user._has_group("oto_crm.oto_crm_group_seller"):
            return
        new_store = False
        if vals.get("oto_seller_id"):
            new_store = (
                self.env["oto.seller"].sudo().browse(vals["oto_seller_id"]).store_id.id
            )
        elif vals.get("oto_store_id"):
            new_store = vals["oto_store_id"]
        for order in self.sudo():
            changed = any(
                (
                    order[name].id
                    if order._fields[name].type == "many2one"
                    else order[name]
                )
                != (vals[name] or False)
                for name in fields_
            )
            if not changed:
                continue
            stores = {order.oto_store_id.id, new_store} - {False}
            if not stores or not stores <= set(scope.store_ids):
                raise AccessError(
                    self.env._(
                        "Only the store's managers and brand admins change the "
                        "seller or store a sale is credited to (%(order)s).",
                        order=order.name,
                    )
                )

    @api.model
    def _oto_credit_salespeople(self, sellers):
        """Sellers who are also salespeople (their personal login) take the
        orders that login sold before they became sellers and that no store
        seller has: as a new order would be credited (the salesperson's
        seller), so the year of sales a business had before Oto CRM counts
        in the wallets. The orders are not stamped as written (the business's
        exports and integrations see no change): the wallet engine finds
        them in its change log, the results compute their days again."""
        for seller in sellers.filtered(lambda s: s.user_id and s.active):
            self.flush_model(["oto_seller_id", "oto_store_id", "user_id"])
            dates = self.env.execute_query(
                SQL(
                    """
                    UPDATE sale_order
                       SET oto_seller_id = %(seller)s, oto_store_id = %(store)s
                     WHERE user_id = %(user)s AND company_id = %(company)s
                       AND oto_seller_id IS NULL AND oto_store_id IS NULL
                       AND COALESCE(oto_seller_code, '') = ''
                 RETURNING date_order
                    """,
                    seller=seller.id,
                    store=seller.store_id.id,
                    user=seller.user_id.id,
                    company=seller.company_id.id,
                )
            )
            first = min((date for (date,) in dates if date), default=None)
            if first:
                company = seller.company_id
                # The contacts a sale may convert are in the days before it.
                day = brand_day(self.env, first) - timedelta(
                    days=company.oto_attribution_days
                )
                self.env["oto.result.day"]._forget_kept_days_from(company, day)
        self.invalidate_model(["oto_seller_id", "oto_store_id"])

    @api.depends("oto_seller_code", "user_id", "company_id")
    def _compute_oto_seller_id(self):
        Seller = self.env["oto.seller"].sudo()
        for order in self:
            seller = Seller.browse()
            code = (order.oto_seller_code or "").strip().upper()
            company = order.company_id or self.env.company
            if code:
                seller = Seller.search(
                    [("code", "=", code), ("company_id", "=", company.id)], limit=1
                )
                if not seller:
                    # An unknown or inactive code: the sale is not credited
                    # through it; the buyer never sees an error.
                    _logger.warning(
                        "Seller code %r of order %s matches no active seller of "
                        "%s: not credited to a seller through it.",
                        code,
                        order.name or "(new)",
                        company.name,
                    )
            if not seller and order.user_id:
                seller = Seller.search(
                    [
                        ("user_id", "=", order.user_id.id),
                        ("company_id", "=", company.id),
                    ],
                    limit=1,
                )
            kept = order.oto_seller_id
            if kept and kept.sudo().company_id != company:
                kept = Seller.browse()  # another company's: no longer this sale's
            order.oto_seller_id = seller or kept

    @api.depends("oto_seller_id", "company_id")
    def _compute_oto_store_id(self):
        for order in self:
            if order.oto_seller_id:
                order.oto_store_id = order.oto_seller_id.store_id
            elif (
                order.oto_store_id
                and order.oto_store_id.sudo().company_id != order.company_id
            ):
                order.oto_store_id = False
