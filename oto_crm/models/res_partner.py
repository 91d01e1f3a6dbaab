# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, format_date, html2plaintext

from ..tools.phone import (
    BR_COUNTRY_CODE,
    PhoneError,
    format_display,
    normalize_phone,
    phone_variants,
)
from ..tools.suggestion_rules import smart_interval
from .brand_time import brand_day, brand_today
from .oto_consent import CHANNELS
from .oto_suggestion import OPEN_STATES

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


# Set by the engine and the contact outcomes, never by hand.
# How many customers' profiles the phone keeps for offline use at most.
PHONE_PROFILES_KEPT = 60
ENGINE_FIELDS = {"oto_last_contact", "oto_quarantine_until", "oto_contact_interval"}
# The customer's wallet, and a number found wrong: a store manager's call
# (their stores) or a brand admin's.
WALLET_FIELDS = {
    "oto_seller_id",
    "oto_store_id",
    "oto_wallet_pinned",
    "oto_phone_invalid",
    "oto_phone_invalid_reason",
}
# The customer's own fields that identify or describe them.
PROFILE_FIELDS = (
    "name",
    "email",
    "phone",
    "mobile",
    "oto_phone_e164",
    "vat",
    "oto_birthdate",
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "country_id",
    "function",
    "website",
    "ref",
    "comment",
    "lang",
)
# What erasure clears on the customer and their addresses.
ERASED_FIELDS = {
    "email": False,
    "phone": False,
    "mobile": False,
    "vat": False,
    "oto_birthdate": False,
    "street": False,
    "street2": False,
    "zip": False,
    "city": False,
    "state_id": False,
    "function": False,
    "website": False,
    "ref": False,
    "comment": False,
    "title": False,
    "image_1920": False,
    "oto_phone_invalid": False,
    "oto_phone_invalid_reason": False,
    "active": False,
}
# What erasure clears on the funnel's subjects of the customer (copies).
LEAD_ERASED_FIELDS = (
    "contact_name",
    "partner_name",
    "email_from",
    "phone",
    "mobile",
    "street",
    "street2",
    "zip",
    "city",
    "website",
    "function",
)


def _value(record, name):
    """A field's value as the report shows it (plain JSON values)."""
    field = record._fields[name]
    value = record[name]
    if field.type == "many2one":
        return value.display_name or None
    if field.type == "selection":
        return dict(field._description_selection(record.env)).get(value) or None
    if field.type == "datetime":
        return fields.Datetime.to_string(value) or None
    if field.type == "date":
        return fields.Date.to_string(value) or None
    if field.type in ("html", "text") and value:
        return html2plaintext(value) if field.type == "html" else value
    if value is False and field.type not in ("boolean", "integer", "float"):
        return None
    return value


def e164_of(mobile, phone):
    """The customer's number in E.164: the mobile, else the phone; False
    when neither is a valid number."""
    for number in (mobile, phone):
        if not number:
            continue
        try:
            return normalize_phone(number)
        except PhoneError:
            continue
    return False


class ResPartner(models.Model):
    _inherit = "res.partner"

    oto_seller_id = fields.Many2one(
        "oto.seller",
        string="Wallet seller",
        index="btree_not_null",
        tracking=True,
        ondelete="set null",
        help="The seller whose wallet (carteira) this customer belongs to.",
        copy=False,
    )
    oto_seller_link = fields.Char(
        string="Seller's link",
        related="oto_seller_id.seller_link",
        help="The online store's address with the wallet seller's code: the "
        "customer's online orders through it count for the seller.",
    )
    oto_seller_qr = fields.Binary(
        string="Seller's QR code", related="oto_seller_id.seller_qr"
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
        copy=False,
    )
    oto_wallet_pinned = fields.Boolean(
        string="Pinned to this seller",
        tracking=True,
        help="The nightly rule leaves a pinned customer with their seller "
        "(inactivating the seller still moves them).",
        copy=False,
    )
    oto_my_wallet = fields.Boolean(
        string="In my wallet",
        compute="_compute_oto_scope_flags",
        search="_search_oto_my_wallet",
        help="In the wallet of the seller the session acts as (a personal "
        "login, or the seller identified by PIN on the store's device).",
    )
    oto_worked = fields.Boolean(
        string="In the wallets I work",
        compute="_compute_oto_scope_flags",
        search="_search_oto_worked",
        help="In the wallets the session works (its sellers', its managed "
        "stores'; every one for a brand admin), or in none yet.",
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
    oto_rfv_segment_id = fields.Many2one(
        "oto.rfv.segment",
        string="RFV segment",
        compute="_compute_oto_wallet_state",
        search="_search_oto_rfv_segment_id",
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
    # Contact pressure and consent (changed through the consent ledger and
    # the contact outcomes, never silently).
    oto_optout_whatsapp = fields.Boolean(string="No WhatsApp messages", tracking=True)
    oto_optout_sms = fields.Boolean(string="No SMS", tracking=True)
    oto_optout_call = fields.Boolean(string="No phone calls", tracking=True)
    oto_optout_email = fields.Boolean(string="No marketing emails", tracking=True)
    oto_phone_invalid = fields.Boolean(
        string="Phone invalid",
        tracking=True,
        help="Set when a seller found the number wrong: the customer is not "
        "suggested until a manager confirms a corrected number.",
        copy=False,
    )
    oto_phone_invalid_reason = fields.Char(
        string="Why the phone is invalid", copy=False
    )
    oto_consent_ids = fields.One2many(
        "oto.consent", "partner_id", string="Consent ledger"
    )
    oto_last_contact = fields.Datetime(string="Last contact", readonly=True, copy=False)
    oto_quarantine_until = fields.Date(
        string="Rests until",
        readonly=True,
        help="No suggestion for this customer before this day (quarantine "
        "after a contact).",
        copy=False,
    )
    oto_contact_interval = fields.Integer(
        string="Days between contacts",
        readonly=True,
        help="The quarantine after a contact: fixed, or learned from the "
        "customer (smart frequency).",
        copy=False,
    )
    oto_contact_interval_explanation = fields.Char(
        string="Why this interval", compute="_compute_oto_contact_interval_explanation"
    )
    oto_suggestion_ids = fields.One2many(
        "oto.suggestion", "partner_id", string="Suggestions"
    )
    oto_contact_ids = fields.One2many("oto.contact", "partner_id", string="Contacts")

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

    @api.depends_context("uid")
    @api.depends("oto_seller_id", "oto_store_id")
    def _compute_oto_scope_flags(self):
        scope = self.env["oto.access"]._scope()
        current = self.env["oto.seller"]._get_current_seller()
        for partner in self:
            seller, store = partner.oto_seller_id.id, partner.oto_store_id.id
            partner.oto_my_wallet = bool(seller) and seller == current.id
            partner.oto_worked = (
                scope.admin
                or (not seller and not store)
                or seller in scope.seller_ids
                or store in scope.store_ids
            )

    def _search_oto_my_wallet(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        current = self.env["oto.seller"]._get_current_seller()
        positive = (operator == "=") == value
        return [("oto_seller_id", "in" if positive else "not in", current.ids)]

    def _search_oto_worked(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        scope = self.env["oto.access"]._scope()
        domain = (
            expression.TRUE_DOMAIN
            if scope.admin
            else [
                "|",
                "&",
                ("oto_seller_id", "=", False),
                ("oto_store_id", "=", False),
                "|",
                ("oto_seller_id", "in", list(scope.seller_ids)),
                ("oto_store_id", "in", list(scope.store_ids)),
            ]
        )
        if (operator == "=") == value:
            return domain
        return ["!", *expression.normalize_domain(domain)]

    @api.depends("mobile", "phone")
    def _compute_oto_phone_e164(self):
        for partner in self:
            partner.oto_phone_e164 = e164_of(partner.mobile, partner.phone)

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
            partner.oto_rfv_segment_id = state.segment_id.id

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

    def _search_oto_rfv_segment_id(self, operator, value):
        return self._oto_search_wallet_state("segment_id", operator, value, False)

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
        today = brand_today(self.env)
        for partner in self:
            last = partner.oto_last_purchase
            partner.oto_recency_days = (
                (today - brand_day(self.env, last)).days if last else 0
            )

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
                date=format_date(self.env, last_move.date.date()),
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

    def _oto_check_wallet_change(self, vals):
        """Refuse what only the engine, a store manager or a brand admin may
        change on customers (through any path: form, RPC, import)."""
        if self.env.su:
            return
        if vals.get("parent_id") and self.env.user._has_group(
            "oto_crm.oto_crm_group_seller"
        ):
            # A contact under a company or person copies their address and
            # document: for Oto's people (whose customers are their wallets'),
            # only under one they may read. (Odoo checks nothing here: the
            # business's other users as before.)
            self.browse(vals["parent_id"]).check_access("read")
        engine = ENGINE_FIELDS & set(vals)
        if engine and any(
            # (A value the customer already has changes nothing: Odoo's
            # duplicate and merge pass every field along.)
            (bool(vals[name]) if not self else any(p[name] != vals[name] for p in self))
            for name in engine
        ):
            raise AccessError(
                self.env._(
                    "The last contact and the rest after it are set by the "
                    "recorded contacts, not by hand."
                )
            )
        wallet = WALLET_FIELDS & set(vals)
        if not self:  # a new customer: only what it is given counts
            wallet = {name for name in wallet if vals[name]}
        if not wallet:
            return
        scope = self.env["oto.access"]._scope()
        if scope.admin:
            return
        changing = self.filtered(
            lambda p: any(p._oto_wallet_value(f) != (vals[f] or False) for f in wallet)
        )
        if not changing and self:
            return
        stores = set(scope.store_ids)
        seller = self.env["oto.seller"].sudo().browse(vals.get("oto_seller_id") or [])
        targets = {seller.store_id.id} if seller else set()
        if vals.get("oto_store_id"):
            targets.add(vals["oto_store_id"])
        own_seller = (
            not self
            and set(wallet) <= {"oto_seller_id", "oto_store_id"}
            and seller.id in scope.seller_ids
            and targets <= {seller.store_id.id}
        )
        if own_seller:
            return  # a seller registers a new customer in their own wallet
        if (
            not stores
            or not targets <= stores
            or any(p.oto_store_id and p.oto_store_id.id not in stores for p in changing)
        ):
            raise AccessError(
                self.env._(
                    "Only the store's managers and brand admins move customers "
                    "between wallets or bring back a number found wrong."
                )
            )

    def _oto_wallet_value(self, name):
        value = self[name]
        return value.id if isinstance(value, models.BaseModel) else value

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self.browse()._oto_check_wallet_change(vals)
        optouts = []
        if not self._oto_from_ledger():
            # A customer created as opted out: the ledger records it.
            vals_list = [dict(vals) for vals in vals_list]
            for vals in vals_list:
                optouts.append(
                    [
                        field.removeprefix("oto_optout_")
                        for field in list(vals)
                        if field.startswith("oto_optout_") and vals.pop(field)
                    ]
                )
        partners = super().create(vals_list)
        for partner, channels in zip(partners, optouts, strict=False):
            if channels:
                partner._oto_set_consent(
                    channels, False, None, self.env._("Created opted out")
                )
        with_seller = partners.filtered("oto_seller_id")
        if with_seller:
            with_seller._oto_log_wallet_moves(
                dict.fromkeys(with_seller.ids, (False, False))
            )
        return partners

    def write(self, vals):
        if self.env.context.get("oto_partner_merge"):
            # Odoo's merge of contacts: the destination keeps its wallet and
            # the merge sets the contact history itself (the wizard's
            # _update_values).
            vals = {
                k: v for k, v in vals.items() if k not in WALLET_FIELDS | ENGINE_FIELDS
            }
        self._oto_check_wallet_change(vals)
        consent = {k: v for k, v in vals.items() if k.startswith("oto_optout_")}
        if consent and not self._oto_from_ledger():
            # A change of consent by hand goes through the ledger (proof).
            vals = {k: v for k, v in vals.items() if k not in consent}
            for field, optout in consent.items():
                channel = field.removeprefix("oto_optout_")
                changed = self.filtered(
                    lambda p, f=field, o=optout: bool(p[f]) != bool(o)
                )
                changed._oto_set_consent(
                    [channel],
                    not optout,
                    None,
                    self.env._("Changed on the customer form"),
                )
            if not vals:
                return True
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

    # ------------------------------------------------------------ lookup

    @api.model
    def _oto_document_spellings(self, digits):
        """How a CPF or CNPJ may be written in ``vat`` (found through its
        index, not by rewriting every row)."""
        if len(digits) == 11:
            shown = f"{digits[:3]}.{digits[3:6]}.{digits[6:9]}-{digits[9:]}"
        else:
            shown = (
                f"{digits[:2]}.{digits[2:5]}.{digits[5:8]}/{digits[8:12]}-{digits[12:]}"
            )
        return [digits, shown, f"BR{digits}", f"BR{shown}"]

    @api.model
    @api.model
    def _oto_company_customers_domain(self, company):
        """The customers a company may find: its own, those in one of its
        wallets, and shared ones (no company) in no other company's wallet."""
        return [
            ("company_id", "in", [company.id, False]),
            "|",
            ("oto_store_id", "=", False),
            ("oto_store_id.company_id", "=", company.id),
        ]

    def _oto_find_customer(
        self, company, document=None, email=None, phone=None, domain=None
    ):
        """The company's customer matching the document (digits), the
        normalized email or the E.164 phone (both spellings of a Brazilian
        mobile); the one matching the most of them, then the one in a
        wallet, then the oldest. Empty when none matches. ``domain``: a
        narrower scope."""
        Partner = self.sudo().with_context(active_test=True)
        scope = [
            *self._oto_company_customers_domain(company),
            ("parent_id", "=", False),
            # People, not companies nor the database's own (internal) users.
            ("is_company", "=", False),
            ("partner_share", "!=", False),
            *(domain or []),
        ]
        matches = {}
        lookups = []
        if document:
            lookups.append([("vat", "in", self._oto_document_spellings(document))])
        if email:
            lookups.append([("email_normalized", "=", email)])
        if phone:
            lookups.append([("oto_phone_e164", "in", phone_variants(phone))])
        for domain in lookups:
            for partner in Partner.search(scope + domain, limit=20, order="id"):
                matches[partner] = matches.get(partner, 0) + 1
        if not matches:
            return Partner.browse()
        return min(
            matches,
            key=lambda p: (-matches[p], not p.oto_seller_id.active, p.id),
        )

    # ------------------------------------------------------------ consent

    def _oto_from_ledger(self):
        """The consent ledger itself sets the customers' current consent
        (as superuser: a caller's context alone cannot pretend to be it)."""
        return self.env.su and self.env.context.get("oto_consent_ledger")

    def _oto_set_consent(
        self, channels, granted, source, reason, text_shown=None, extra=None
    ):
        """Record a grant or revocation per channel in the consent ledger,
        which updates the customers' current state. ``source``: where the
        words came from (None: the user's role, by hand). ``extra``: more
        values of the entries (where the consent was given)."""
        source = source or self.env["oto.consent"]._client_source()
        vals_list = [
            {
                "partner_id": partner.id,
                "company_id": (partner.company_id or self.env.company).id,
                "channel": channel,
                "granted": granted,
                "source": source,
                "reason": reason,
                "text_shown": text_shown,
                **(extra or {}),
            }
            for partner in self
            for channel in channels
        ]
        if vals_list:
            self.env["oto.consent"].sudo().create(vals_list)

    def _oto_mark_phone_invalid(self, reason):
        self.sudo().write(
            {"oto_phone_invalid": True, "oto_phone_invalid_reason": reason}
        )

    def action_oto_phone_corrected(self):
        """A manager confirms a corrected number: the customer can be
        suggested again, and the channels that a wrong-number outcome closed
        open again (a customer's own opt-out stays)."""
        scope = self.env["oto.access"]._scope()
        if not scope.admin and (
            not scope.store_ids
            or any(p.oto_store_id.id not in scope.store_ids for p in self)
        ):
            raise UserError(
                self.env._(
                    "Only a store manager can bring a customer back after a "
                    "wrong number."
                )
            )
        for partner in self:
            if partner.oto_phone_e164 is False or not partner.oto_phone_e164:
                raise UserError(
                    self.env._(
                        "%(customer)s has no valid phone number: correct it first.",
                        customer=partner.display_name,
                    )
                )
            reopen = []
            for channel in ("whatsapp", "sms", "call"):
                entries = (
                    self.env["oto.consent"]
                    .sudo()
                    .search(
                        [("partner_id", "=", partner.id), ("channel", "=", channel)]
                    )
                )
                latest = entries[:1]
                if latest.granted or latest.source != "seller_outcome":
                    continue
                # The latest word that is not a wrong-number outcome decides:
                # a customer's own opt-out stays.
                decisive = entries.filtered(lambda e: e.source != "seller_outcome")[:1]
                if not decisive or decisive.granted:
                    reopen.append(channel)
            partner._oto_set_consent(
                reopen,
                True,
                "manager",
                self.env._(
                    "Phone number corrected by %(user)s", user=self.env.user.name
                ),
            )
            partner.sudo().write(
                {"oto_phone_invalid": False, "oto_phone_invalid_reason": False}
            )
        return True

    # --------------------------------------------------------- quarantine

    def _oto_contact_history(self, extra=None):
        """(answered, unanswered) among the customer's latest contacts."""
        self.ensure_one()
        # Every seller's contacts count (sudo): the quarantine is the
        # customer's, whoever contacted them; the contact being recorded is
        # read the same way, never as the user who records it.
        contacts = (
            self.env["oto.contact"]
            .sudo()
            .search([("partner_id", "=", self.id)], limit=5)
        )
        if extra:
            contacts = (extra.sudo() | contacts)[:5]
        answered = len(contacts.filtered(lambda c: c.reached == "yes"))
        return answered, len(contacts) - answered

    def _oto_compute_contact_interval(self, extra=None):
        self.ensure_one()
        company = self.company_id or self.env.company
        if company.oto_quarantine_mode == "fixed":
            return company.oto_quarantine_days
        answered, unanswered = self._oto_contact_history(extra)
        return smart_interval(
            self.oto_purchase_count,
            company.oto_window_months * 30,
            answered,
            unanswered,
            minimum=company.oto_interval_min,
            maximum=company.oto_interval_max,
            default=company.oto_quarantine_days,
        ).days

    @api.depends_context("company")
    @api.depends("oto_contact_interval", "oto_last_contact")
    def _compute_oto_contact_interval_explanation(self):

        def label(code, value):
            if code == "cycle":
                return self.env._("buys every %(value)s days", value=value)
            if code == "default":
                return self.env._("no purchase cycle yet: %(value)s days", value=value)
            if code == "answered":
                return self.env._(
                    "answered %(value)s of the latest contacts (shorter)", value=value
                )
            if code == "unanswered":
                return self.env._("did not answer %(value)s (longer)", value=value)
            return self.env._(
                "kept within the brand's bounds: %(value)s days", value=value
            )

        for partner in self:
            company = partner.company_id or self.env.company
            if company.oto_quarantine_mode == "fixed":
                partner.oto_contact_interval_explanation = self.env._(
                    "The brand rests every customer %(days)s days after a contact.",
                    days=company.oto_quarantine_days,
                )
                continue
            answered, unanswered = (
                partner._oto_contact_history() if partner.id else (0, 0)
            )
            interval = smart_interval(
                partner.oto_purchase_count,
                company.oto_window_months * 30,
                answered,
                unanswered,
                minimum=company.oto_interval_min,
                maximum=company.oto_interval_max,
                default=company.oto_quarantine_days,
            )
            reasons = "; ".join(label(code, value) for code, value in interval.reasons)
            rested = partner.oto_contact_interval
            if partner.oto_last_contact and rested and rested != interval.days:
                # The rest given at the last contact, and what the customer's
                # purchases and answers make it now (the next contact's).
                partner.oto_contact_interval_explanation = self.env._(
                    "%(rested)s days after the last contact. The next contact "
                    "rests the customer %(days)s days: %(reasons)s.",
                    rested=rested,
                    days=interval.days,
                    reasons=reasons,
                )
                continue
            partner.oto_contact_interval_explanation = self.env._(
                "%(days)s days: %(reasons)s.", days=interval.days, reasons=reasons
            )

    # ----------------------------------------------------- seller's phone

    def _oto_check_wallet(self):
        """The Oto screens open only the customers the session works: the
        wallets of its sellers, its managed stores', a customer with a
        suggestion for one of its sellers; a brand admin the company's. Being
        able to read the partner is not enough (a cashier finds any customer
        at the counter)."""
        self.check_access("read")
        scope = self.env["oto.access"]._scope()
        if scope.admin:
            return
        outside = self.sudo().filtered(
            lambda p: (
                p.oto_seller_id.id not in scope.seller_ids
                and p.oto_store_id.id not in scope.store_ids
            )
        )
        if outside and scope.seller_ids:
            suggested = (
                self.env["oto.suggestion"]
                .sudo()
                .search(
                    [
                        ("partner_id", "in", outside.ids),
                        ("seller_id", "in", scope.seller_ids),
                    ]
                )
                .partner_id
            )
            outside -= suggested
        if outside:
            raise AccessError(
                self.env._(
                    "%(customer)s is not in a wallet you work.",
                    customer=outside[0].name,
                )
            )

    def oto_get_profiles(self):
        """Several customers' profiles at once: the phone keeps today's
        customers for when the connection drops. Those the user may not
        open are left out, not refused."""
        profiles = []
        for partner in self[:PHONE_PROFILES_KEPT].exists():
            try:
                profiles.append(partner.oto_get_profile())
            except AccessError:
                continue
        return profiles

    def oto_get_profile(self):
        """The customer as the seller's phone shows them: who they are, their
        latest purchases and contacts, and the notes left on them."""
        self.ensure_one()
        self._oto_check_wallet()
        Purchase = self.env["oto.purchase"]
        channels = dict(Purchase._fields["channel"]._description_selection(self.env))
        Contact = self.env["oto.contact"]
        contact_channels = dict(
            Contact._fields["channel"]._description_selection(self.env)
        )
        reasons = dict(Contact._fields["reason"]._description_selection(self.env))
        results = dict(Contact._fields["result"]._description_selection(self.env))
        purchases = Purchase.search(
            [("partner_id", "=", self.id)], order="date desc", limit=10
        )
        contacts = Contact.search([("partner_id", "=", self.id)], limit=10)
        notes = self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", self.id),
                ("message_type", "=", "comment"),
                ("subtype_id", "=", self.env.ref("mail.mt_note").id),
            ],
            limit=10,
        )
        optouts = [
            label
            for field, label in (
                ("oto_optout_whatsapp", "WhatsApp"),
                ("oto_optout_sms", "SMS"),
                ("oto_optout_call", self.env._("Phone call")),
            )
            if self[field]
        ]
        seller = self.env["oto.seller"]._get_current_seller()
        mine = bool(seller) and self.oto_seller_id == seller
        open_suggestion = (
            self.env["oto.suggestion"].search(
                [
                    ("partner_id", "=", self.id),
                    ("seller_id", "=", seller.id),
                    ("state", "in", ("backlog", "assigned", "in_progress")),
                ],
                limit=1,
            )
            if seller
            else self.env["oto.suggestion"]
        )
        return {
            "id": self.id,
            "name": self.name,
            # A contact the seller starts from the profile (their wallet).
            "mine": mine,
            "channels": self._oto_phone_channels() if mine else [],
            "open_suggestion_id": open_suggestion.id or False,
            "currency_id": (self.company_id or self.env.company).currency_id.id,
            "phone": self.oto_phone_e164 or self.mobile or self.phone or "",
            "phone_display": self._oto_phone_display(),
            "phone_invalid": self.oto_phone_invalid,
            "segment": self.oto_rfv_segment_id.name or False,
            "tone": self.oto_rfv_tone or False,
            "seller": self.oto_seller_id.name or "",
            "seller_link": self.oto_seller_id.sudo().seller_link or False,
            "seller_qr": (self.oto_seller_id.sudo().seller_qr or b"").decode() or False,
            "store": self.oto_store_id.name or "",
            "birthday": fields.Date.to_string(self.oto_birthdate),
            "last_purchase": fields.Date.to_string(
                self.oto_last_purchase and brand_day(self.env, self.oto_last_purchase)
            ),
            "purchase_count": self.oto_purchase_count,
            "purchase_amount": self.oto_purchase_amount,
            "currency": (self.company_id or self.env.company).currency_id.symbol,
            "optouts": optouts,
            "quarantine_until": fields.Date.to_string(self.oto_quarantine_until),
            "interval": self.oto_contact_interval_explanation or "",
            "purchases": [
                {
                    "date": fields.Date.to_string(p.day),
                    "store": p.store_id.name or "",
                    "seller": p.seller_id.name or "",
                    "amount": p.amount,
                    "items": p.item_count,
                    "channel": channels.get(p.channel, ""),
                }
                for p in purchases
            ],
            "contacts": [
                {
                    "date": fields.Date.to_string(c.date.date()),
                    "channel": contact_channels[c.channel],
                    "reached": c.reached == "yes",
                    "result": results.get(c.result, "") if c.reached == "yes" else "",
                    "reason": reasons.get(c.reason, ""),
                    "notes": c.notes or "",
                    "seller": c.seller_id.name or "",
                }
                for c in contacts
            ],
            "notes": [
                {
                    "date": fields.Date.to_string(n.date.date()),
                    "author": n.author_id.name or "",
                    "body": html2plaintext(n.body or ""),
                }
                for n in notes
            ],
        }

    def _oto_phone_display(self):
        """The customer's phone as people write it where the brand is
        ("(11) 98765-4321" for a Brazilian brand's Brazilian customer, as the
        point of sale shows it; "+1 415-555-2671" for a number of another
        country)."""
        self.ensure_one()
        if self.oto_phone_e164:
            company = self.company_id or self.env.company
            home = company.sudo().country_id.phone_code or BR_COUNTRY_CODE
            return format_display(self.oto_phone_e164, home)
        return self.mobile or self.phone or ""

    def oto_add_note(self, note):
        """The seller's note on the customer (kept in the customer's chatter)."""
        self.ensure_one()
        note = (note or "").strip()
        if not note:
            raise UserError(self.env._("Write the note first."))
        self._oto_check_wallet()
        # On a store's shared device, the seller who wrote it.
        acting = self.env["oto.seller"]._get_acting_seller()
        author = self.env.user.partner_id
        if acting:
            # Not the store's login as author nor follower: what a seller
            # writes on the shared device is read through the wallet only,
            # never by whoever holds the device next.
            note = f"{note} ({acting.name})"
            author = acting.company_id.partner_id
        self.sudo().with_context(mail_create_nosubscribe=True).message_post(
            body=note,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            author_id=author.id,
        )
        return True

    # ------------------------------------------- personal data (LGPD Art. 18)
    # A customer's personal data: what the add-ons hold about them, as a
    # report, and their erasure. Bridges add their own records through the
    # hooks _oto_personal_data, _oto_erasure_cancel_pending and
    # _oto_erase_personal_data.

    # -------------------------------------------------------------- report

    def _oto_section(self, key, title, records, names):
        """A section of the report: ``records``' fields ``names`` as rows,
        with the fields' labels in the user's language."""
        model = records.env[records._name]
        columns = [
            [name, model._fields[name].get_description(self.env)["string"]]
            for name in names
        ]
        rows = [{name: _value(record, name) for name in names} for record in records]
        return {"key": key, "title": title, "columns": columns, "rows": rows}

    def _oto_personal_data(self):
        """Every personal datum the add-ons hold on this customer, as
        sections (key, title, columns, rows): the profile, the wallet,
        purchases, contacts, suggestions, notes and to-dos, consents,
        subjects of the funnel. Bridges add theirs (super() first)."""
        self.ensure_one()
        partner = self.sudo().with_context(active_test=False)
        sections = [
            self._oto_section(
                "profile", self.env._("Profile"), partner, PROFILE_FIELDS
            ),
            self._oto_section(
                "addresses",
                self.env._("Other addresses"),
                partner.child_ids,
                ("type", "name", "email", "phone", "mobile", "street", "zip", "city"),
            ),
            self._oto_section(
                "wallet",
                self.env._("Wallet and scores"),
                partner,
                (
                    "oto_seller_id",
                    "oto_store_id",
                    "oto_wallet_pinned",
                    "oto_rfv_segment_id",
                    "oto_last_purchase",
                    "oto_purchase_count",
                    "oto_purchase_amount",
                    "oto_last_contact",
                    "oto_quarantine_until",
                    "oto_contact_interval",
                    "oto_optout_whatsapp",
                    "oto_optout_sms",
                    "oto_optout_call",
                    "oto_optout_email",
                    "oto_phone_invalid",
                    "oto_phone_invalid_reason",
                ),
            ),
            self._oto_section(
                "wallet_history",
                self.env._("Wallet history"),
                partner.oto_wallet_history_ids.sorted("date"),
                ("date", "old_seller_id", "new_seller_id", "reason", "note"),
            ),
            self._oto_section(
                "purchases",
                self.env._("Purchases"),
                self.env["oto.purchase"]
                .sudo()
                .search([("partner_id", "=", partner.id)], order="date"),
                (
                    "date",
                    "reference",
                    "company_id",
                    "store_id",
                    "seller_id",
                    "amount",
                    "item_count",
                    "channel",
                ),
            ),
            self._oto_section(
                "contacts",
                self.env._("Contacts"),
                partner.oto_contact_ids.sorted("date"),
                (
                    "date",
                    "seller_id",
                    "channel",
                    "reached",
                    "reason",
                    "result",
                    "notes",
                    "message_sent",
                    "consent",
                ),
            ),
            self._oto_section(
                "suggestions",
                self.env._("Suggestions"),
                partner.oto_suggestion_ids.sorted("date"),
                (
                    "date",
                    "campaign_id",
                    "type",
                    "seller_id",
                    "state",
                    "result",
                    "origin_reason",
                    "message_custom",
                ),
            ),
            self._oto_section(
                "notes",
                self.env._("Notes and messages"),
                self.env["mail.message"]
                .sudo()
                .search(
                    [
                        ("model", "=", "res.partner"),
                        ("res_id", "=", partner.id),
                        ("message_type", "!=", "user_notification"),
                    ],
                    order="date, id",
                )
                .filtered(lambda m: m.body or m.subject),
                ("date", "author_id", "subject", "body"),
            ),
            self._oto_section(
                "activities",
                self.env._("To-dos"),
                self.env["mail.activity"]
                .sudo()
                .search(
                    [("res_model", "=", "res.partner"), ("res_id", "=", partner.id)]
                ),
                ("date_deadline", "user_id", "summary", "note"),
            ),
            self._oto_section(
                "consents",
                self.env._("Consents"),
                partner.oto_consent_ids.sorted(lambda e: (e.date, e.id)),
                (
                    "date",
                    "channel",
                    "purpose",
                    "granted",
                    "source",
                    "reason",
                    "text_shown",
                    "user_id",
                ),
            ),
            self._oto_section(
                "subjects",
                self.env._("Subjects of the funnel"),
                self.env["crm.lead"]
                .sudo()
                .with_context(active_test=False)
                .search([("partner_id", "=", partner.id)]),
                (
                    "create_date",
                    "name",
                    "stage_id",
                    "contact_name",
                    "email_from",
                    "phone",
                    "city",
                ),
            ),
        ]
        return sections

    def action_oto_data_request(self):
        """A store manager records the customer's request (report or
        erasure) for a brand admin to execute."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Data subject request"),
            "res_model": "oto.data.request",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_partner_id": self.id, "default_kind": "access"},
        }

    # ------------------------------------------------------------- erasure

    def _oto_check_erasable(self):
        self.ensure_one()
        users = self.sudo().with_context(active_test=False).user_ids
        if users:
            raise UserError(
                self.env._(
                    "%(customer)s is also a user of this database (%(login)s): "
                    "remove or archive the user's access first.",
                    customer=self.display_name,
                    login=", ".join(users.mapped("login")),
                )
            )

    def _oto_erasure_cancel_pending(self, request):
        """Before erasure: cancel what would still reach the customer (open
        suggestions; bridges add queued messages). Returns {label: count}."""
        self.ensure_one()
        suggestions = (
            self.env["oto.suggestion"]
            .sudo()
            .search([("partner_id", "=", self.id), ("state", "in", OPEN_STATES)])
        )
        suggestions.with_context(tracking_disable=True).write(
            {"state": "cancelled", "message_custom": False}
        )
        return {self.env._("open suggestions cancelled"): len(suggestions)}

    def _oto_erase_personal_data(self, request):
        """Anonymize the customer: their profile, addresses, notes, to-dos,
        attachments, the notes and messages of their contacts, their copies
        in the funnel. What is kept: the purchases and their amounts, the
        contacts' outcomes, the suggestions, the wallet history, the results
        (all on the anonymized customer) and the consent ledger (proof that
        consent existed), to which a revocation of every channel is added.
        Returns {label: count}; bridges add theirs (super() first)."""
        self.ensure_one()
        partner = self.sudo().with_context(active_test=False, tracking_disable=True)
        people = partner | partner.child_ids
        for person in people:
            person.write(
                {
                    **ERASED_FIELDS,
                    "name": self.env._("Anonymized customer %(id)s", id=person.id),
                }
            )
        messages = (
            self.env["mail.message"]
            .sudo()
            .search([("model", "=", "res.partner"), ("res_id", "in", people.ids)])
        )
        messages.unlink()
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search([("res_model", "=", "res.partner"), ("res_id", "in", people.ids)])
        )
        activities.unlink()
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", "res.partner"), ("res_id", "in", people.ids)])
        )
        attachments.unlink()
        contacts = partner.oto_contact_ids
        contacts.write({"notes": False, "message_sent": False})
        partner.oto_suggestion_ids.write({"message_custom": False})
        partner.oto_wallet_history_ids.write({"note": False})
        leads = (
            self.env["crm.lead"]
            .sudo()
            .with_context(active_test=False, tracking_disable=True)
            .search([("partner_id", "in", people.ids)])
        )
        leads.write(dict.fromkeys(LEAD_ERASED_FIELDS, False))
        # The ledger keeps its proof; from now on, no channel is open.
        partner._oto_set_consent(
            [channel for channel, _label in CHANNELS],
            False,
            "data_request",
            self.env._(
                "Erasure (data subject request %(request)s)", request=request.id
            ),
        )
        return {
            self.env._("notes and messages deleted"): len(messages),
            self.env._("to-dos deleted"): len(activities),
            self.env._("attachments deleted"): len(attachments),
            self.env._("contacts' notes cleared"): len(contacts),
            self.env._("subjects of the funnel anonymized"): len(leads),
        }

    def _oto_phone_channels(self):
        """The channels a seller may use to contact this customer on their
        own initiative: any phone channel the customer did not refuse, none
        with an invalid or missing phone."""
        self.ensure_one()
        if not self.oto_phone_e164 or self.oto_phone_invalid:
            return []
        return [
            channel
            for channel in ("whatsapp", "sms", "call")
            if not self[f"oto_optout_{channel}"]
        ]

    def _oto_check_wallet_seller(self):
        """The current seller, when this customer is in their wallet; a clear
        refusal otherwise."""
        self.ensure_one()
        seller = self.env["oto.seller"]._get_current_seller()
        if not seller:
            raise UserError(
                self.env._("Only a seller records contacts with their customers.")
            )
        if self.sudo().oto_seller_id != seller:
            # Moved to another wallet meanwhile (or never the seller's): said
            # without naming the customer or whose wallet it is now.
            raise AccessError(
                self.env._(
                    "This customer is no longer in your wallet: nothing was "
                    "recorded. Open your wallet again."
                )
            )
        self.check_access("read")
        return seller

    @api.model
    def oto_search_wallet(self, query="", offset=0, limit=30):
        """The seller's wallet on the phone, searched by name, phone or
        email: their customers in name order, a page at a time."""
        seller = self.env["oto.seller"]._get_current_seller()
        if not seller:
            return {"customers": [], "more": False, "total": 0}
        domain = [("oto_seller_id", "=", seller.id)]
        query = (query or "").strip()
        if query:
            digits = "".join(c for c in query if c.isdigit())
            terms = [("name", "ilike", query), ("email", "ilike", query)]
            if len(digits) >= 4:
                terms.append(("oto_phone_e164", "like", digits))
            domain = expression.AND([domain, expression.OR([[t] for t in terms])])
        limit = max(1, min(int(limit or 30), 100))
        customers = self.search(domain, offset=int(offset or 0), limit=limit + 1)
        total = self.search_count(domain) if offset == 0 else None
        return {
            "customers": [
                {
                    "id": partner.id,
                    "name": partner.name,
                    "phone": partner._oto_phone_display(),
                    "segment": partner.oto_rfv_segment_id.name or False,
                    "tone": partner.oto_rfv_tone or False,
                    "last_purchase": fields.Date.to_string(
                        partner.oto_last_purchase
                        and brand_day(self.env, partner.oto_last_purchase)
                    ),
                    "resting": bool(
                        partner.oto_quarantine_until
                        and partner.oto_quarantine_until > brand_today(self.env)
                    ),
                }
                for partner in customers[:limit]
            ],
            "more": len(customers) > limit,
            "total": total,
        }

    def oto_start_contact(self, channel):
        """The seller opens WhatsApp, SMS or a call to a customer of their
        wallet: refused when the customer refused that channel meanwhile."""
        self.ensure_one()
        self._oto_check_wallet_seller()
        if channel not in self._oto_phone_channels():
            channels = dict(
                self.env["oto.contact"]
                ._fields["channel"]
                ._description_selection(self.env)
            )
            raise UserError(
                self.env._(
                    "%(customer)s cannot be contacted by %(channel)s (opted out, "
                    "or no valid phone number).",
                    customer=self.name,
                    channel=channels.get(channel, channel),
                )
            )
        return True

    def oto_record_contact(self, values):
        """A contact the seller started (wallet, profile), recorded like the
        suggested ones: it rests the customer, counts in the results and
        in the attribution. Today's open suggestion of the seller for this
        customer, if any, is the one worked. Once per ``values["key"]``."""
        Contact = self.env["oto.contact"]
        self.ensure_one()
        existing = Contact._oto_by_key((values or {}).get("key"), self)
        if existing:
            return existing._oto_phone_answer(already=True)
        seller = self._oto_check_wallet_seller()
        suggestion = self.env["oto.suggestion"].search(
            [
                ("partner_id", "=", self.id),
                ("seller_id", "=", seller.id),
                ("state", "in", ("backlog", "assigned", "in_progress")),
            ],
            limit=1,
        )
        if suggestion:
            return suggestion.oto_record_outcome(values)
        contact, already = Contact._oto_phone_record(self, seller, values)
        return contact._oto_phone_answer(already=already)
