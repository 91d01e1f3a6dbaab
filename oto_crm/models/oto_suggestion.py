# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from urllib.parse import quote

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..tools.suggestion_rules import first_name, render_template
from .brand_time import brand_day, brand_timezone, brand_today, periods, utc_start

OPEN_STATES = ("backlog", "assigned", "in_progress")
# Open and in a seller's day (the backlog waits for the morning assignment).
DAY_STATES = ("assigned", "in_progress")
# The opportunity types (seed 003); a contact a seller started on their own
# is a suggestion of its own of the type "contact".
TYPES = [
    ("segment", "Campaign"),
    ("manual", "Manual"),
    ("contact", "Contact"),
    ("behavior", "Behavior"),
]


# What a seller writes on their suggestions themselves.
SELLER_FIELDS = {"message_custom"}


class OtoSuggestion(models.Model):
    """A customer a seller should contact (the "opportunity"): from a
    campaign (generated daily), by hand (a manager or the back office), from
    a contact the seller started, or from the API (customer behavior)."""

    _name = "oto.suggestion"
    _description = "Contact suggestion"
    _inherit = ["mail.thread"]
    _order = "date desc, campaign_sequence, rank, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    date = fields.Date(
        required=True,
        default=lambda self: brand_today(self.env),
        index=True,
    )
    deadline = fields.Date(help="An unworked suggestion expires after this day.")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    seller_id = fields.Many2one(
        "oto.seller", index=True, tracking=True, check_company=True, ondelete="cascade"
    )
    store_id = fields.Many2one("oto.store", check_company=True, ondelete="set null")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    campaign_id = fields.Many2one(
        "oto.campaign", check_company=True, index=True, ondelete="cascade"
    )
    campaign_sequence = fields.Integer(
        related="campaign_id.sequence", store=True, string="Campaign priority"
    )
    type = fields.Selection(
        TYPES,
        required=True,
        default="manual",
    )
    state = fields.Selection(
        [
            ("backlog", "Backlog"),
            ("assigned", "Assigned"),
            ("in_progress", "In progress"),
            ("done", "Done"),
            ("expired", "Expired"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="assigned",
        tracking=True,
        index=True,
    )
    result = fields.Selection(
        [("positive", "Positive"), ("neutral", "Neutral"), ("negative", "Negative")],
        tracking=True,
    )
    priority = fields.Selection(
        [("0", "Normal"), ("1", "High"), ("2", "Urgent")], default="0"
    )
    rank = fields.Integer(help="Position in the seller's list for the campaign.")
    score = fields.Float(
        digits=(5, 1), help="Conversion score (0-100): the higher, the sooner."
    )
    score_rfv = fields.Float(
        string="RFV component", digits=(5, 1), help="The customer's RFV scores (0-100)."
    )
    score_cycle = fields.Float(
        string="Purchase cycle component",
        digits=(5, 1),
        help="How due the customer is, from the days since the last purchase "
        "against their usual purchase cycle (0-100).",
    )
    score_response = fields.Float(
        string="Response component",
        digits=(5, 1),
        help="How often the customer answered the latest contacts (0-100).",
    )
    message_custom = fields.Text(
        string="Message to send",
        help="Set by a manager for a manual suggestion, or the seller's edit of "
        "the campaign's message.",
    )
    message = fields.Text(compute="_compute_message")
    reason = fields.Char(string="Why today", compute="_compute_reason")
    phone = fields.Char(related="partner_id.oto_phone_e164")
    rfv_segment_id = fields.Many2one(related="partner_id.oto_rfv_segment_id")
    rfv_tone = fields.Selection(related="partner_id.oto_rfv_tone")
    whatsapp_url = fields.Char(compute="_compute_links")
    sms_url = fields.Char(compute="_compute_links")
    call_url = fields.Char(compute="_compute_links")
    contact_ids = fields.One2many("oto.contact", "suggestion_id", string="Contacts")
    recommendation_ids = fields.One2many(
        "oto.recommendation", "suggestion_id", string="Products to offer"
    )
    products_computed = fields.Boolean(
        string="Products to offer computed",
        readonly=True,
        copy=False,
        help="The products to offer were computed for it (the nightly batch, "
        "or within minutes for an opportunity created during the day).",
    )
    # From another system, through the opportunity API.
    origin_reason = fields.Char(
        string="Origin",
        help="Why another system created it (abandoned cart, product views...).",
    )
    product_ids = fields.Many2many(
        "product.product",
        "oto_suggestion_product_rel",
        "suggestion_id",
        "product_id",
        string="Products",
        help="Products to talk about (from the API).",
    )
    api_key_id = fields.Many2one(
        "oto.api.key", string="API key", readonly=True, ondelete="restrict"
    )
    api_idempotency_key = fields.Char(
        string="Idempotency key",
        readonly=True,
        copy=False,
        help="The caller's key: a retry of the same request finds this "
        "opportunity instead of creating another.",
    )

    api_merged_keys = fields.Text(
        string="Merged idempotency keys",
        readonly=True,
        copy=False,
        help="The idempotency keys of the same caller's later requests for "
        "the customer, added to this opportunity while it waited in the "
        "backlog (one per line): their retries find it too.",
    )

    _sql_constraints = [
        (
            "api_idempotency_unique",
            "UNIQUE (api_key_id, api_idempotency_key)",
            "An opportunity with this idempotency key already exists.",
        )
    ]

    def init(self):
        # One open suggestion per customer: the generation looks it up for
        # every candidate.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS oto_suggestion_open_partner_idx "
            "ON oto_suggestion (partner_id) "
            "WHERE state IN ('backlog', 'assigned', 'in_progress')"
        )
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS oto_suggestion_seller_date_idx "
            "ON oto_suggestion (seller_id, date)"
        )

    # ------------------------------------------------------------ create

    @api.model_create_multi
    def create(self, vals_list):
        """A suggestion made by hand goes to the customer's wallet seller
        unless one is chosen; the store follows the seller."""
        Partner = self.env["res.partner"]
        Seller = self.env["oto.seller"]
        for vals in vals_list:
            if not vals.get("seller_id") and vals.get("partner_id"):
                vals["seller_id"] = Partner.browse(vals["partner_id"]).oto_seller_id.id
            if vals.get("seller_id") and not vals.get("store_id"):
                vals["store_id"] = Seller.browse(vals["seller_id"]).store_id.id
            if (
                not vals.get("campaign_id")
                and vals.get("state", "assigned") == "assigned"
                and vals.get("seller_id")
                and Seller.browse(vals["seller_id"])._oto_day_off(
                    vals.get("date") or brand_today(self.env)
                )
            ):
                # A seller on a day off gets no opportunity that day, as with
                # the campaigns' suggestions: it waits in the backlog and is
                # theirs on the day they are back.
                vals["state"] = "backlog"
        suggestions = super().create(vals_list)
        if any(s.state in OPEN_STATES for s in suggestions):
            # Created during the day: its products to offer within minutes,
            # not at night.
            cron = self.env.ref(
                "oto_crm.ir_cron_oto_new_opportunity_products", raise_if_not_found=False
            )
            if cron:
                cron.sudo()._trigger()
        return suggestions

    def write(self, vals):
        """A seller changes the message of their suggestions; its state,
        result, seller and the rest follow what they record (or a store
        manager's and brand admin's hand)."""
        if not self.env.su and set(vals) - SELLER_FIELDS:
            scope = self.env["oto.access"]._scope()
            if not scope.admin and any(
                (s.store_id or s.seller_id.store_id).id not in scope.store_ids
                for s in self
            ):
                raise AccessError(
                    self.env._(
                        "A seller changes only the message of a suggestion; its "
                        "state and result follow the contact they record."
                    )
                )
        return super().write(vals)

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id and not self.seller_id:
            self.seller_id = self.partner_id.oto_seller_id

    @api.onchange("seller_id")
    def _onchange_seller_id(self):
        if self.seller_id:
            self.store_id = self.seller_id.store_id

    @api.constrains("partner_id", "seller_id", "state", "type", "deadline", "date")
    def _check_manual(self):
        for suggestion in self:
            if suggestion.type not in ("manual", "behavior"):
                continue
            customer = suggestion.partner_id.display_name
            if not suggestion.seller_id and suggestion.state in (
                "assigned",
                "in_progress",
            ):
                raise ValidationError(
                    self.env._(
                        "%(customer)s has no seller: choose the seller who should "
                        "contact them.",
                        customer=customer,
                    )
                )
            if suggestion.deadline and suggestion.deadline < suggestion.date:
                raise ValidationError(
                    self.env._("The deadline cannot be before the suggestion's day.")
                )
            if suggestion.state not in OPEN_STATES:
                continue
            other = self.sudo().search(
                [
                    ("partner_id", "=", suggestion.partner_id.id),
                    ("state", "in", OPEN_STATES),
                    ("id", "!=", suggestion.id),
                ],
                limit=1,
            )
            if other:
                raise ValidationError(
                    self.env._(
                        "%(customer)s already has an open suggestion "
                        "(%(what)s, %(seller)s): work or edit that one.",
                        customer=customer,
                        what=other.campaign_id.name
                        or dict(self._fields["type"]._description_selection(self.env))[
                            other.type
                        ],
                        seller=other.seller_id.name or "-",
                    )
                )

    # ----------------------------------------------------------- computes

    def _message_values(self):
        self.ensure_one()
        partner = self.partner_id
        seller = self.seller_id or partner.oto_seller_id
        last = partner.oto_last_purchase
        return {
            "first_name": first_name(partner.name),
            "name": partner.name or "",
            "seller": first_name(seller.name),
            "store": (self.store_id or seller.store_id).name or "",
            "brand": self.company_id.name or "",
            "seller_link": seller.seller_link if seller else "",
            "last_purchase": fields.Date.to_string(brand_day(self.env, last))
            if last
            else "",
            "products": ", ".join(
                self.recommendation_ids.sorted("sequence").product_id.mapped("name")
            ),
        }

    @api.depends(
        "message_custom",
        "campaign_id.message",
        "partner_id",
        "seller_id",
        "recommendation_ids",
    )
    def _compute_message(self):
        for suggestion in self:
            if suggestion.message_custom:
                suggestion.message = suggestion.message_custom
            elif suggestion.campaign_id.message:
                suggestion.message = render_template(
                    suggestion.campaign_id.message, suggestion._message_values()
                )
            else:
                suggestion.message = False

    def _channels(self):
        """The channels the seller may use: the campaign's (any phone channel
        without a campaign) that the consent gate allows for this customer."""
        self.ensure_one()
        return self._channels_by_suggestion()[self.id]

    def _channels_by_suggestion(self):
        """``{suggestion id: [channels]}``: for each suggestion the
        campaign's channels (every phone channel without a campaign) that
        the consent gate allows, asked once per channel for all of them."""
        wanted = {
            suggestion.id: suggestion.campaign_id._channels()
            if suggestion.campaign_id
            else ["whatsapp", "sms", "call"]
            for suggestion in self
        }
        gate = self.env["oto.consent.gate"]
        partners = self.partner_id
        refused = {
            channel: gate._refusal_codes(partners, channel, "marketing")
            for channel in {c for channels in wanted.values() for c in channels}
        }
        return {
            suggestion.id: [
                channel
                for channel in wanted[suggestion.id]
                if suggestion.partner_id.id not in refused[channel]
            ]
            for suggestion in self
        }

    @api.depends(
        "phone",
        "message",
        "campaign_id.channel_whatsapp",
        "campaign_id.channel_sms",
        "campaign_id.channel_call",
        "partner_id.oto_optout_whatsapp",
        "partner_id.oto_optout_sms",
        "partner_id.oto_optout_call",
        "partner_id.oto_phone_invalid",
        "partner_id.active",
    )
    def _compute_links(self):
        allowed = self._channels_by_suggestion()
        for suggestion in self:
            channels = allowed[suggestion.id]
            phone = suggestion.phone
            text = quote(suggestion.message or "")
            suggestion.whatsapp_url = (
                f"https://wa.me/{phone.lstrip('+')}" + (f"?text={text}" if text else "")
                if "whatsapp" in channels
                else False
            )
            suggestion.sms_url = (
                f"sms:{phone}" + (f"?body={text}" if text else "")
                if "sms" in channels
                else False
            )
            suggestion.call_url = f"tel:{phone}" if "call" in channels else False

    @api.depends("campaign_id", "partner_id", "origin_reason")
    def _compute_reason(self):
        """Why this customer, today, in the seller's words: the occasion of
        the campaign (a birthday, days without buying, a new customer) and
        the last purchase. The score and its parts are on the suggestion's
        form, the RFV segment is the customer's badge: neither is repeated
        here."""
        today = brand_today(self.env)
        for suggestion in self:
            partner = suggestion.partner_id
            campaign = suggestion.campaign_id
            parts = [suggestion.origin_reason] if suggestion.origin_reason else []
            days = partner.oto_recency_days if partner.oto_last_purchase else None
            if campaign.audience == "birthday" and partner.oto_birthdate:
                birthday = partner.oto_birthdate.replace(year=today.year)
                until = (birthday - today).days % 365
                parts.append(
                    self.env._("birthday today")
                    if until == 0
                    else self.env._("birthday tomorrow")
                    if until == 1
                    else self.env._("birthday in %(days)s days", days=until)
                )
            elif campaign.audience == "no_purchase" and days is not None:
                parts.append(self.env._("no purchase for %(days)s days", days=days))
                days = None  # said already
            elif campaign.audience == "new_customer":
                parts.append(self.env._("new customer"))
            if days is not None:
                parts.append(self._last_purchase_words(days))
            suggestion.reason = " · ".join(p for p in parts if p)

    def _last_purchase_words(self, days):
        if days <= 0:
            return self.env._("bought today")
        if days == 1:
            return self.env._("last purchase yesterday")
        return self.env._("last purchase %(days)s days ago", days=days)

    # ------------------------------------------------------------ backlog

    def _oto_merge_backlog(self, clean, products):
        """Another request of the same caller for a customer whose
        opportunity still waits in the backlog: one opportunity, with both
        requests' products, the higher priority, the earlier deadline (the
        one set when only one is), and both reasons; the request's
        idempotency key is kept so that its retry changes nothing."""
        self.ensure_one()
        deadlines = [
            fields.Date.to_date(d) for d in (self.deadline, clean.get("deadline")) if d
        ]
        reasons = (self.origin_reason or "").split(" / ") + [clean.get("reason") or ""]
        idempotency = clean.get("idempotency_key")
        merged = (self.api_merged_keys or "").split("\n")
        self.sudo().write(
            {
                "product_ids": [fields.Command.link(p.id) for p in products],
                "priority": max(self.priority or "0", clean.get("priority") or "0"),
                "deadline": min(deadlines) if deadlines else False,
                "origin_reason": " / ".join(
                    dict.fromkeys(reason for reason in reasons if reason)
                )[:200]
                or False,
                "api_merged_keys": "\n".join(
                    key for key in dict.fromkeys([*merged, idempotency]) if key
                )
                or False,
            }
        )

    def _oto_find_by_request(self, key, idempotency):
        """The opportunity a request of ``key`` with ``idempotency`` created
        or was merged into."""
        found = self.sudo().search(
            [("api_key_id", "=", key.id), ("api_idempotency_key", "=", idempotency)],
            limit=1,
        )
        if found:
            return found
        return (
            self.sudo()
            .search(
                [
                    ("api_key_id", "=", key.id),
                    ("api_merged_keys", "like", idempotency),
                ]
            )
            .filtered(lambda s: idempotency in (s.api_merged_keys or "").split("\n"))[
                :1
            ]
        )

    @api.model
    def _oto_assign_backlog(self, company, today):
        """The day's assignment of the opportunities waiting in the backlog,
        highest priority and oldest first: to their seller when back from a
        day off, else (no seller, or one gone) to a seller placed by the
        wallet engine's rules (location, capacity). Those still without a
        seller wait. Returns how many were assigned."""
        waiting = self.sudo().search(
            [("company_id", "=", company.id), ("state", "=", "backlog")],
            order="priority desc, create_date, id",
        )
        if not waiting:
            return 0
        off = set(
            self.env["oto.seller.dayoff"]
            .sudo()
            .search(
                [
                    ("seller_id.company_id", "=", company.id),
                    ("date_from", "<=", today),
                    ("date_to", ">=", today),
                ]
            )
            .seller_id.ids
        )
        engine = self.env["oto.wallet.engine"]
        assigned = 0
        for suggestion in waiting:
            seller = suggestion.seller_id
            usable = seller.active and seller.store_id.active
            if not usable:
                partner = suggestion.partner_id
                wallet = partner.oto_seller_id
                if wallet.active and wallet.company_id != company:
                    # In another company's wallet since the request: never
                    # taken from it; the opportunity has nobody to go to.
                    suggestion.write({"state": "cancelled"})
                    suggestion.message_post(
                        body=self.env._(
                            "Cancelled: the customer is now in the wallet of "
                            "another company."
                        )
                    )
                    continue
                seller = engine._place_one(company, partner, "location")
                if not seller:
                    continue
                if seller.id in off:
                    suggestion.write(
                        {"seller_id": seller.id, "store_id": seller.store_id.id}
                    )
                    continue
            elif seller.id in off:
                continue
            suggestion.write(
                {
                    "seller_id": seller.id,
                    "store_id": seller.store_id.id,
                    "state": "assigned",
                    "date": today,
                }
            )
            assigned += 1
        return assigned

    # ------------------------------------------------------------ actions

    def action_start(self):
        """The seller opens a channel: the suggestion is in progress."""
        self.check_access("write")
        self.filtered(lambda s: s.state in ("backlog", "assigned")).sudo().write(
            {"state": "in_progress"}
        )
        return True

    def action_record_contact(self):
        self.ensure_one()
        if self.state not in OPEN_STATES:
            raise UserError(
                self.env._(
                    "This suggestion is %(state)s: nothing left to record.",
                    state=dict(self._fields["state"]._description_selection(self.env))[
                        self.state
                    ],
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record the contact"),
            "res_model": "oto.contact",
            "view_mode": "form",
            "views": [(self.env.ref("oto_crm.oto_contact_view_form_quick").id, "form")],
            "target": "new",
            "context": {
                "default_suggestion_id": self.id,
                "default_partner_id": self.partner_id.id,
                "default_seller_id": self.seller_id.id,
            },
        }

    # ----------------------------------------------------- seller's phone

    @api.model
    def get_seller_day(self, seller_id=None, opening=False, day=None):
        """What the seller's phone screen shows: today's campaigns in the
        brand's order with their counts, and each one's suggestions in the
        suggested order (open ones, and today's worked ones).

        ``seller_id``: a manager looking at a seller's day; default: the
        current user's seller. ``opening``: the app was just opened; on a
        store's shared device the seller identifies again. ``day``: a past
        day, to look back at its suggestions and their outcomes."""
        Seller = self.env["oto.seller"]
        if opening and Seller._get_acting_seller():
            Seller.oto_pin_logout()
        own = Seller._get_current_seller()
        seller = Seller.browse(seller_id).exists() if seller_id else own
        is_manager = Seller._oto_is_manager()
        today = brand_today(self.env)
        common = {
            "is_manager": is_manager,
            "today": fields.Date.to_string(today),
            "currency_id": self.env.company.currency_id.id,
            **Seller._pin_turn(),
        }
        if not seller:
            return {"seller": False, **common, **Seller._pin_screen()}
        if seller != own:
            try:
                seller._check_manager_of()
            except AccessError as exc:
                raise AccessError(
                    self.env._("Only managers can see another seller's day.")
                ) from exc
        seller.check_access("read")
        shown = fields.Date.to_date(day) if day else today
        if shown > today:
            raise UserError(
                self.env._("The suggestions of a day to come are not made yet.")
            )
        if shown == today:
            domain = [
                "|",
                ("state", "in", DAY_STATES),
                "&",
                ("date", "=", today),
                ("state", "=", "done"),
            ]
        else:
            domain = [("date", "=", shown), ("state", "!=", "backlog")]
        suggestions = self.search(
            [("seller_id", "=", seller.id), *domain],
            order="campaign_sequence, campaign_id, type, priority desc, rank, id",
        )
        groups = {}
        types = dict(self._fields["type"]._description_selection(self.env))
        for suggestion in suggestions:
            campaign = suggestion.campaign_id
            key = f"campaign-{campaign.id}" if campaign else f"type-{suggestion.type}"
            group = groups.setdefault(
                key,
                {
                    "key": key,
                    "name": campaign.name or types[suggestion.type],
                    "kind": campaign.kind or False,
                    "open": 0,
                    "done": 0,
                    "suggestions": [],
                },
            )
            card = suggestion._oto_card(past=shown != today)
            group["open" if card["open"] else "done"] += 1
            group["suggestions"].append(card)
        for group in groups.values():
            # The customers still to contact first, in the suggested order:
            # the next one is always at the top.
            group["suggestions"].sort(key=lambda card: not card["open"])
        # The seller's results: sales from their contacts in the last 30
        # days, the same days (in the brand's time) as the results screen.
        (first, last), _previous = periods("30d", today)
        tz = brand_timezone(self.env)
        since = utc_start(first, tz)
        until = utc_start(last + timedelta(days=1), tz)
        sales = self.env["oto.attribution"]._read_group(
            [
                ("seller_id", "=", seller.id),
                ("purchase_date", ">=", since),
                ("purchase_date", "<", until),
            ],
            [],
            ["__count", "amount:sum"],
        )[0]
        return {
            **common,
            "seller": {"id": seller.id, "name": seller.name, "code": seller.code},
            # A seller identified by PIN on the store's device may hand it over.
            "shared_login": seller == Seller._get_acting_seller(),
            # The phone app: the seller's own phone (morning notification,
            # Face ID), or how long the store's phone keeps them signed in.
            "personal": seller.user_id == self.env.user,
            "morning_push": seller.sudo().morning_push,
            "pin_idle_minutes": seller.company_id.sudo().oto_pin_idle_minutes,
            "drafting": seller.company_id.sudo().oto_draft_enabled,
            "store": seller.store_id.name or "",
            "date": fields.Date.to_string(shown),
            "past": shown != today,
            "currency_id": seller.company_id.currency_id.id,
            "groups": list(groups.values()),
            "results": {
                "sales": sales[0],
                "amount": sales[1] or 0.0,
                "currency": seller.company_id.currency_id.symbol or "",
                "since": fields.Datetime.to_string(since),
                "until": fields.Datetime.to_string(until),
            },
        }

    @api.model
    def get_seller_past_days(self, days=60):
        """The seller's past days that had suggestions, the latest first,
        with how many were offered and done (the days the phone offers to
        look back at)."""
        seller = self.env["oto.seller"]._get_current_seller()
        if not seller:
            return []
        today = brand_today(self.env)
        counts = {}
        for day, state, count in self._read_group(
            [
                ("seller_id", "=", seller.id),
                ("date", "<", today),
                ("date", ">=", today - timedelta(days=max(1, min(int(days), 400)))),
            ],
            ["date:day", "state"],
            ["__count"],
        ):
            figures = counts.setdefault(day, {"offered": 0, "done": 0})
            figures["offered"] += count
            if state == "done":
                figures["done"] += count
        return [
            {"day": fields.Date.to_string(day), **counts[day]}
            for day in sorted(counts, reverse=True)
        ]

    def _oto_card(self, past=False):
        """One suggestion as the phone shows it: who, why, what to offer, the
        message and channels (while open), the outcome (once worked)."""
        self.ensure_one()
        states = dict(self._fields["state"]._description_selection(self.env))
        results = dict(self._fields["result"]._description_selection(self.env))
        types = dict(self._fields["type"]._description_selection(self.env))
        is_open = self.state in OPEN_STATES and not past
        partner = self.partner_id
        contact = self.contact_ids[:1]
        outcome = False
        if contact:
            outcome = contact._oto_phone_answer()["outcome"]
        # What the opportunity came with (the cart another system sent)
        # first, then the products recommended for the customer.
        brought = self.env._("In the opportunity")
        products = [
            {"id": product.id, "name": product.display_name, "reason": brought}
            for product in self.product_ids
        ]
        for rec in self.recommendation_ids.sorted("sequence"):
            if rec.product_id not in self.product_ids:
                products.append(
                    {
                        "id": rec.product_id.id,
                        "name": rec.product_id.display_name,
                        "reason": rec.reason,
                    }
                )
        return {
            "id": self.id,
            "partner_id": partner.id,
            "name": partner.name,
            "segment": partner.oto_rfv_segment_id.name or False,
            "tone": partner.oto_rfv_tone or False,
            "reason": self.reason or "",
            "message": self.message or "",
            "phone": self.phone or False,
            "phone_display": partner._oto_phone_display(),
            "channels": self._channels() if is_open else [],
            "open": is_open,
            "state": states[self.state],
            "state_code": self.state,
            "result": results.get(self.result, False),
            "outcome": outcome,
            "priority": self.priority,
            "type": self.type,
            "type_label": types[self.type],
            "date": fields.Date.to_string(self.date),
            "deadline": fields.Date.to_string(self.deadline),
            "products": products,
        }

    def _oto_phone_check(self, recording=False):
        """The suggestion as the seller's phone acts on it, with a clear
        refusal when it changed while the seller was on it: given to another
        seller, worked already, expired (an expired one may still be
        recorded: the contact happened)."""
        self.ensure_one()
        suggestion = self.sudo().exists()
        if not suggestion:
            raise UserError(
                self.env._(
                    "This suggestion was removed while you were on it: nothing "
                    "was recorded. Open your day again."
                )
            )
        seller = self.env["oto.seller"]._get_current_seller()
        try:
            # Before anything of it is said (its customer's name): one the
            # user may read at all.
            self.check_access("read")
            readable = True
        except AccessError:
            readable = False
        if not readable or (
            suggestion.seller_id != seller
            and not self.env["oto.seller"]._oto_is_manager()
        ):
            # Given to another seller meanwhile (or never the user's): said
            # without naming whose it is now.
            raise AccessError(
                self.env._(
                    "This suggestion is no longer in your list (given to another "
                    "seller while you were on it): nothing was recorded. Tell "
                    "your manager what you said to the customer."
                )
            )
        if suggestion.state == "done":
            raise UserError(
                self.env._(
                    "The contact with %(customer)s was already recorded: nothing "
                    "was recorded twice.",
                    customer=suggestion.partner_id.name,
                )
            )
        if suggestion.state == "expired" and not recording:
            raise UserError(
                self.env._(
                    "This suggestion expired while you were on it: it is no "
                    "longer in your list. If you already contacted %(customer)s, "
                    "record the contact.",
                    customer=suggestion.partner_id.name,
                )
            )
        self.check_access("read")
        return suggestion

    def oto_record_outcome(self, values):
        """One tap on an outcome, back from WhatsApp, SMS or a call: the
        contact is recorded with the products the seller was asked to offer
        (unless they changed them), once per ``values["key"]``."""
        Contact = self.env["oto.contact"]
        self.ensure_one()
        existing = Contact._oto_by_key((values or {}).get("key"), self)
        if existing:
            return existing._oto_phone_answer(already=True)
        self.flush_recordset()
        # One recording at a time per suggestion (two phones, two taps).
        self.env.cr.execute(
            SQL("SELECT id FROM oto_suggestion WHERE id = %s FOR UPDATE", self.id)
        )
        self.invalidate_recordset()
        suggestion = self._oto_phone_check(recording=True)
        contact, already = Contact._oto_phone_record(
            suggestion.partner_id,
            suggestion.seller_id,
            {"message": suggestion.message, **values},
            suggestion=suggestion,
        )
        return contact._oto_phone_answer(already=already)

    def action_send(self, channel, message=None):
        """The seller taps a channel: keep their edit of the message, and the
        suggestion is in progress. Refused, with the reason, for a channel
        the consent gate or the campaign does not allow."""
        self.ensure_one()
        self._oto_phone_check()
        if channel in ("whatsapp", "sms", "call"):
            # The consent gate first: its refusal says why.
            self.env["oto.consent.gate"]._check(self.partner_id, channel, "marketing")
        if channel not in self._channels():
            raise UserError(
                self.env._(
                    "%(customer)s cannot be contacted by %(channel)s for this "
                    "suggestion.",
                    customer=self.partner_id.name,
                    channel=dict(
                        self.env["oto.contact"]
                        ._fields["channel"]
                        ._description_selection(self.env)
                    ).get(channel, channel),
                )
            )
        if message is not None and message != self.message:
            self.message_custom = message
        self.action_start()
        return True
