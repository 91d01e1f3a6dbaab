# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, html2plaintext

from ..tools.phone import PhoneError, normalize_phone, phone_variants
from ..tools.suggestion_rules import smart_interval
from .brand_time import brand_today

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
    )
    oto_phone_invalid_reason = fields.Char(string="Why the phone is invalid")
    oto_consent_ids = fields.One2many(
        "oto.consent", "partner_id", string="Consent ledger"
    )
    oto_last_contact = fields.Datetime(string="Last contact", readonly=True)
    oto_quarantine_until = fields.Date(
        string="Rests until",
        readonly=True,
        help="No suggestion for this customer before this day (quarantine "
        "after a contact).",
    )
    oto_contact_interval = fields.Integer(
        string="Days between contacts",
        readonly=True,
        help="The quarantine after a contact: fixed, or learned from the "
        "customer (smart frequency).",
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
        consent = {k: v for k, v in vals.items() if k.startswith("oto_optout_")}
        if consent and not self.env.context.get("oto_consent_ledger"):
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
                    "manager",
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
    def _oto_find_customer(self, company, document=None, email=None, phone=None):
        """The company's customer matching the document (digits), the
        normalized email or the E.164 phone (both spellings of a Brazilian
        mobile); the one matching the most of them, then the one in a
        wallet, then the oldest. Empty when none matches."""
        Partner = self.sudo().with_context(active_test=True)
        scope = [("company_id", "in", [company.id, False]), ("parent_id", "=", False)]
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

    def _oto_set_consent(
        self, channels, granted, source, reason, text_shown=None, extra=None
    ):
        """Record a grant or revocation per channel in the consent ledger,
        which updates the customers' current state. ``extra``: more values
        of the entries (where the consent was given)."""
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
        if not self.env.user.has_group("oto_crm.oto_crm_group_manager"):
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
        contacts = (
            self.env["oto.contact"]
            .sudo()
            .search([("partner_id", "=", self.id)], limit=5)
        )
        if extra:
            contacts = (extra | contacts)[:5]
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
            partner.oto_contact_interval_explanation = self.env._(
                "%(days)s days: %(reasons)s.", days=interval.days, reasons=reasons
            )

    # ----------------------------------------------------- seller's phone

    def oto_get_profile(self):
        """The customer as the seller's phone shows them: who they are, their
        latest purchases and contacts, and the notes left on them."""
        self.ensure_one()
        self.check_access("read")
        Purchase = self.env["oto.purchase"]
        channels = dict(Purchase._fields["channel"]._description_selection(self.env))
        Contact = self.env["oto.contact"]
        contact_channels = dict(
            Contact._fields["channel"]._description_selection(self.env)
        )
        reasons = dict(Contact._fields["reason"]._description_selection(self.env))
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
        return {
            "id": self.id,
            "name": self.name,
            "phone": self.oto_phone_e164 or self.mobile or self.phone or "",
            "phone_invalid": self.oto_phone_invalid,
            "segment": self.oto_rfv_segment_id.name or False,
            "tone": self.oto_rfv_tone or False,
            "seller": self.oto_seller_id.name or "",
            "seller_link": self.oto_seller_id.sudo().seller_link or False,
            "seller_qr": (self.oto_seller_id.sudo().seller_qr or b"").decode() or False,
            "store": self.oto_store_id.name or "",
            "birthday": fields.Date.to_string(self.oto_birthdate),
            "last_purchase": fields.Date.to_string(
                self.oto_last_purchase and self.oto_last_purchase.date()
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

    def oto_add_note(self, note):
        """The seller's note on the customer (kept in the customer's chatter)."""
        self.ensure_one()
        note = (note or "").strip()
        if not note:
            raise UserError(self.env._("Write the note first."))
        self.check_access("read")
        # On a store's shared device, the seller who wrote it.
        acting = self.env["oto.seller"]._get_acting_seller()
        if acting:
            note = f"{note} ({acting.name})"
        self.sudo().message_post(
            body=note,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            author_id=self.env.user.partner_id.id,
        )
        return True
