# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Abandoned carts of the online shop as behaviour opportunities (seed
003): a known customer's cart left for longer than the website's
abandoned-cart delay goes to the customer's wallet seller (or one placed by
location and capacity, as the opportunity API does), with the cart's
products, once per cart; the cart ordered closes it as positive."""

import logging
import time
from datetime import timedelta

from odoo import api, fields, models

from odoo.addons.oto_crm.models.brand_time import brand_today
from odoo.addons.oto_crm.models.oto_opportunity_api import OpportunityApiError
from odoo.addons.oto_crm.models.oto_suggestion import OPEN_STATES

_logger = logging.getLogger(__name__)

# Carts left longer ago than this are not turned (installing the add-on
# does not send a brand's whole history of carts to the sellers).
CART_MAX_AGE_DAYS = 7
CART_BATCH = 500
# The scheduled job's time budget; the next run goes on.
CART_BUDGET = 240


class SaleOrder(models.Model):
    _inherit = "sale.order"

    oto_cart_checked = fields.Boolean(
        string="Looked at for an opportunity",
        readonly=True,
        copy=False,
        help="This abandoned cart was looked at by Oto (turned into an "
        "opportunity for the customer's seller, or left: a customer nobody "
        "may contact, or who bought since).",
    )
    oto_cart_suggestion_ids = fields.One2many(
        "oto.suggestion", "cart_order_id", string="Cart opportunity", readonly=True
    )

    # ------------------------------------------------------------ the job

    @api.model
    def _cron_oto_abandoned_carts(self):
        """Each company that turns carts into opportunities, in turn (one
        company's failure does not stop the others), within the budget."""
        deadline = time.monotonic() + CART_BUDGET
        companies = self.env["res.company"].search(
            [("oto_cart_opportunities", "=", True)]
        )
        self.env["oto.company.job"]._run_per_company(
            "abandoned carts",
            companies,
            lambda company: self._oto_turn_abandoned_carts(company, deadline),
        )

    @api.model
    def _oto_turn_abandoned_carts(self, company, deadline=None):
        """The company's abandoned carts not looked at yet, oldest first, a
        batch at a time. Returns the opportunities created."""
        Order = self.sudo().with_company(company)
        since = fields.Datetime.now() - timedelta(days=CART_MAX_AGE_DAYS)
        created = 0
        while True:
            carts = Order.search(
                [
                    ("company_id", "=", company.id),
                    ("is_abandoned_cart", "=", True),
                    ("oto_cart_checked", "=", False),
                    ("date_order", ">=", since),
                ],
                order="date_order, id",
                limit=CART_BATCH,
            )
            if not carts:
                break
            for cart in carts:
                try:
                    with self.env.cr.savepoint():
                        created += bool(cart._oto_turn_cart(company))
                        cart.oto_cart_checked = True
                except Exception:  # One cart's failure: the next run again.
                    _logger.exception("Abandoned cart %s: not turned", cart.id)
            if deadline is not None and time.monotonic() > deadline:
                break
            if len(carts) < CART_BATCH:
                break
        if created:
            _logger.info(
                "Abandoned carts of %s: %s opportunities", company.name, created
            )
        return created

    def _oto_turn_cart(self, company):
        """The opportunity of this abandoned cart, or nothing when the
        customer bought since, may not be contacted, or already has an open
        opportunity (a seller's day is not a pile of reminders)."""
        self.ensure_one()
        partner = self.partner_id
        Suggestion = self.env["oto.suggestion"].sudo()
        bought = self.search_count(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", company.id),
                ("state", "=", "sale"),
                ("date_order", ">=", self.create_date),
            ],
            limit=1,
        )
        if bought:
            return False
        api = self.env["oto.opportunity.api"].sudo().with_company(company)
        try:
            api._check_contactable(partner)
        except OpportunityApiError:
            return False
        if Suggestion.search_count(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", company.id),
                ("state", "in", OPEN_STATES),
            ],
            limit=1,
        ):
            return False
        seller = self.env["oto.wallet.engine"]._place_one(company, partner, "location")
        products = self.order_line.filtered(
            lambda line: line.product_id and not line.display_type
        ).product_id
        suggestion = Suggestion.with_company(company).create(
            {
                "company_id": company.id,
                "partner_id": partner.id,
                "seller_id": seller.id,
                "store_id": (seller.store_id or partner.oto_store_id).id,
                "type": "behavior",
                # Nobody with room now: the backlog, assigned as room frees.
                "state": "assigned" if seller else "backlog",
                "date": brand_today(self.env),
                "deadline": brand_today(self.env) + timedelta(days=3),
                "priority": "1",
                "origin_reason": self.env._("Abandoned cart %(cart)s", cart=self.name),
                "product_ids": [fields.Command.set(products.ids)],
                "cart_order_id": self.id,
            }
        )
        suggestion.message_post(
            body=self.env._(
                "Created from the online shop's abandoned cart %(cart)s.",
                cart=self.name,
            )
        )
        return suggestion

    # --------------------------------------------------------- the order

    def action_confirm(self):
        """The cart ordered (paid online, or confirmed by hand): its open
        opportunity is closed as positive."""
        result = super().action_confirm()
        opportunities = self.sudo().oto_cart_suggestion_ids.filtered(
            lambda s: s.state in OPEN_STATES
        )
        for suggestion in opportunities:
            suggestion.write({"state": "done", "result": "positive"})
            suggestion.message_post(
                body=self.env._(
                    "The customer ordered the cart %(cart)s.",
                    cart=suggestion.cart_order_id.name,
                )
            )
        return result
