# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from ..tools.phone import PhoneError, normalize_phone

_COMPARE = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _default_matches(operator, value, default):
    """Whether a customer without engine state (every value ``default``:
    False, or 0 for numbers) satisfies ``(field, operator, value)``, with
    Odoo's semantics (False never compares with ``<`` or ``>``)."""
    if operator in ("in", "not in"):
        values = set(value) if isinstance(value, list | tuple | set) else {value}
        hit = bool(values & {default, False, None})
        return hit if operator == "in" else not hit
    if operator not in _COMPARE:
        return False
    if default is False:
        if operator == "=":
            return not value
        if operator == "!=":
            return bool(value)
        return False
    return _COMPARE[operator](default, value or 0)


class ResPartner(models.Model):
    _inherit = "res.partner"

    oto_seller_id = fields.Many2one(
        "oto.seller",
        string="Wallet seller",
        index="btree_not_null",
        tracking=True,
        ondelete="set null",
        help="The seller whose wallet (carteira) this customer belongs to.",
    )
    oto_store_id = fields.Many2one(
        "oto.store",
        string="Wallet store",
        compute="_compute_oto_store_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        tracking=True,
        ondelete="set null",
        help="The customer's store: the wallet seller's store, or the store "
        "chosen for a customer without a seller.",
    )
    oto_wallet_pinned = fields.Boolean(
        string="Pinned to this seller",
        tracking=True,
        help="The nightly rule leaves a pinned customer with their seller "
        "(inactivating the seller still moves them).",
    )
    oto_wallet_history_ids = fields.One2many(
        "oto.wallet.history", "partner_id", string="Wallet history"
    )
    oto_birthdate = fields.Date(string="Birthday")
    oto_phone_e164 = fields.Char(
        string="Phone (E.164)",
        compute="_compute_oto_phone_e164",
        store=True,
        index="btree_not_null",
        help="The customer's mobile, else phone, normalized to E.164.",
    )
    # Engine results: the customer's state in the current company
    # (oto.wallet.customer, written by the engine, set-based).
    oto_wallet_state_ids = fields.One2many(
        "oto.wallet.customer", "partner_id", string="Engine state", readonly=True
    )
    oto_last_purchase = fields.Datetime(
        string="Last purchase",
        compute="_compute_oto_wallet_state",
        search="_search_oto_last_purchase",
    )
    oto_purchase_count = fields.Integer(
        string="Purchases in the window",
        compute="_compute_oto_wallet_state",
        search="_search_oto_purchase_count",
    )
    oto_purchase_amount = fields.Float(
        string="Value in the window",
        digits="Product Price",
        compute="_compute_oto_wallet_state",
        search="_search_oto_purchase_amount",
    )
    oto_recency_days = fields.Integer(
        string="Days since last purchase", compute="_compute_oto_recency_days"
    )
    oto_r_score = fields.Integer(
        string="Recency score", compute="_compute_oto_wallet_state"
    )
    oto_f_score = fields.Integer(
        string="Frequency score", compute="_compute_oto_wallet_state"
    )
    oto_v_score = fields.Integer(
        string="Value score", compute="_compute_oto_wallet_state"
    )
    # Stored for lists, filters and grouping; no index: a segment holds a
    # fifth of the customers, and without one the engine's nightly updates
    # of it stay cheap (HOT).
    oto_rfv_segment_id = fields.Many2one(
        "oto.rfv.segment", string="RFV segment", readonly=True
    )
    oto_rfv_tone = fields.Selection(related="oto_rfv_segment_id.tone")
    oto_preferred_store_id = fields.Many2one(
        "oto.store",
        string="Preferred store",
        compute="_compute_oto_wallet_state",
        search="_search_oto_preferred_store_id",
    )
    oto_preferred_seller_id = fields.Many2one(
        "oto.seller",
        string="Preferred seller",
        compute="_compute_oto_wallet_state",
        search="_search_oto_preferred_seller_id",
    )
    oto_wallet_explanation = fields.Text(
        string="Why this seller", compute="_compute_oto_wallet_explanation"
    )

    def init(self):
        result = super().init()
        # The wallet engine looks for customers without a seller every night.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS res_partner_oto_unplaced_idx "
            "ON res_partner (id) WHERE oto_seller_id IS NULL AND active"
        )
        return result

    @api.depends("oto_seller_id.store_id")
    def _compute_oto_store_id(self):
        for partner in self:
            if partner.oto_seller_id:
                partner.oto_store_id = partner.oto_seller_id.store_id

    @api.depends("mobile", "phone")
    def _compute_oto_phone_e164(self):
        for partner in self:
            e164 = False
            for number in (partner.mobile, partner.phone):
                if not number:
                    continue
                try:
                    e164 = normalize_phone(number)
                    break
                except PhoneError:
                    continue
            partner.oto_phone_e164 = e164

    @api.depends_context("company")
    @api.depends("oto_wallet_state_ids")
    def _compute_oto_wallet_state(self):
        states = (
            self.env["oto.wallet.customer"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self._origin.ids),
                    ("company_id", "=", self.env.company.id),
                ]
            )
        )
        by_partner = {state.partner_id.id: state for state in states}
        for partner in self:
            state = by_partner.get(partner._origin.id, states.browse())
            partner.oto_last_purchase = state.last_purchase
            partner.oto_purchase_count = state.order_count
            partner.oto_purchase_amount = state.amount
            partner.oto_preferred_store_id = state.preferred_store_id.id
            partner.oto_preferred_seller_id = state.preferred_seller_id.id
            partner.oto_r_score = state.r_score
            partner.oto_f_score = state.f_score
            partner.oto_v_score = state.v_score

    def _oto_search_wallet_state(self, column, operator, value, default):
        """Domain on the customer's engine state in the current company; a
        customer without state (no purchase in the window) has ``default``."""
        company = [("company_id", "=", self.env.company.id)]
        domain = [
            ("oto_wallet_state_ids", "any", [(column, operator, value), *company])
        ]
        if _default_matches(operator, value, default):
            domain = expression.OR(
                [domain, [("oto_wallet_state_ids", "not any", company)]]
            )
        return domain

    def _search_oto_last_purchase(self, operator, value):
        return self._oto_search_wallet_state("last_purchase", operator, value, False)

    def _search_oto_purchase_count(self, operator, value):
        return self._oto_search_wallet_state("order_count", operator, value, 0)

    def _search_oto_purchase_amount(self, operator, value):
        return self._oto_search_wallet_state("amount", operator, value, 0)

    def _search_oto_preferred_store_id(self, operator, value):
        return self._oto_search_wallet_state(
            "preferred_store_id", operator, value, False
        )

    def _search_oto_preferred_seller_id(self, operator, value):
        return self._oto_search_wallet_state(
            "preferred_seller_id", operator, value, False
        )

    @api.depends("oto_last_purchase")
    def _compute_oto_recency_days(self):
        today = fields.Date.context_today(self)
        for partner in self:
            last = partner.oto_last_purchase
            partner.oto_recency_days = (today - last.date()).days if last else 0

    @api.depends("oto_seller_id", "oto_preferred_seller_id", "oto_wallet_pinned")
    def _compute_oto_wallet_explanation(self):
        for partner in self:
            partner.oto_wallet_explanation = partner._oto_explain_wallet()

    def _oto_explain_wallet(self):
        """A sentence a manager can read: why this customer is in this wallet."""
        self.ensure_one()
        if not self.oto_seller_id:
            return self.env._(
                "No seller yet: the next wallet refresh places this customer."
            )
        if self.oto_wallet_pinned:
            return self.env._(
                "Pinned to %(seller)s by hand.", seller=self.oto_seller_id.name
            )
        last_move = self.oto_wallet_history_ids[:1]
        if (
            self.oto_preferred_seller_id == self.oto_seller_id
            and self.oto_preferred_store_id
        ):
            company = self.oto_seller_id.company_id
            # One read of the engine state (the seller/day arrays are not fields).
            self.env.cr.execute(
                SQL(
                    "SELECT order_count, recent_seller_ids FROM oto_wallet_pair "
                    "WHERE partner_id = %s AND store_id = %s",
                    self.id,
                    self.oto_preferred_store_id.id,
                )
            )
            order_count, recent = self.env.cr.fetchone() or (0, None)
            recent = recent or []
            return self.env._(
                "Preferred store %(store)s: %(count)s purchase(s) there in the last "
                "%(months)s months. %(seller)s made %(votes)s of the customer's last "
                "%(visits)s visit(s) to it.",
                store=self.oto_preferred_store_id.name,
                count=order_count,
                months=company.oto_window_months,
                seller=self.oto_seller_id.name,
                votes=recent.count(self.oto_seller_id.id),
                visits=len(recent),
            )
        if last_move:
            reason = dict(last_move._fields["reason"]._description_selection(self.env))
            return self.env._(
                "%(reason)s on %(date)s.",
                reason=reason.get(last_move.reason, last_move.reason),
                date=fields.Date.to_string(last_move.date.date()),
            )
        return self.env._("Assigned to %(seller)s.", seller=self.oto_seller_id.name)

    @api.constrains("oto_seller_id", "oto_store_id", "company_id")
    def _check_oto_wallet(self):
        for partner in self:
            seller = partner.oto_seller_id
            if not seller:
                continue
            if partner.oto_store_id and seller.store_id != partner.oto_store_id:
                raise ValidationError(
                    self.env._(
                        "%(seller)s works at %(seller_store)s, not at %(store)s: "
                        "a customer's wallet seller must belong to the customer's "
                        "store.",
                        seller=seller.name,
                        seller_store=seller.store_id.display_name,
                        store=partner.oto_store_id.display_name,
                    )
                )
            if partner.company_id and seller.company_id != partner.company_id:
                raise ValidationError(
                    self.env._(
                        "%(seller)s belongs to another company than the customer "
                        "%(customer)s.",
                        seller=seller.name,
                        customer=partner.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        with_seller = partners.filtered("oto_seller_id")
        if with_seller:
            with_seller._oto_log_wallet_moves(
                dict.fromkeys(with_seller.ids, (False, False))
            )
        return partners

    def write(self, vals):
        if "oto_seller_id" not in vals:
            return super().write(vals)
        before = {p.id: (p.oto_seller_id.id, p.oto_store_id.id) for p in self}
        result = super().write(vals)
        self._oto_log_wallet_moves(before)
        return result

    def _oto_log_wallet_moves(self, before):
        """History rows for the customers whose seller changed through the ORM
        (the engine writes its own, set-based). Reason from the context key
        ``oto_wallet_reason`` (default: manual)."""
        reason = self.env.context.get("oto_wallet_reason", "manual")
        vals_list = [
            {
                "partner_id": partner.id,
                "company_id": (
                    partner.company_id or partner.oto_seller_id.company_id
                ).id,
                "old_seller_id": before[partner.id][0],
                "new_seller_id": partner.oto_seller_id.id,
                "old_store_id": before[partner.id][1],
                "new_store_id": partner.oto_store_id.id,
                "reason": reason,
            }
            for partner in self
            if before[partner.id][0] != partner.oto_seller_id.id
        ]
        if vals_list:
            self.env["oto.wallet.history"].sudo().create(vals_list)
