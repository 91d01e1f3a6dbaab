# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import text_generation as tg

STORE_CRITERIA = [
    ("count,amount,recent", "Most purchases, then highest value, then most recent"),
    ("count,recent,amount", "Most purchases, then most recent, then highest value"),
    ("amount,count,recent", "Highest value, then most purchases, then most recent"),
    ("amount,recent,count", "Highest value, then most recent, then most purchases"),
    ("recent,count,amount", "Most recent, then most purchases, then highest value"),
    ("recent,amount,count", "Most recent, then highest value, then most purchases"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    oto_window_months = fields.Integer(
        string="Purchase window (months)",
        default=12,
        help="Purchases of this many months count for the preferred store and "
        "seller and for RFV.",
    )
    oto_preferred_orders = fields.Integer(
        string="Orders considered",
        default=5,
        help="The customer's most recent orders at the preferred store that "
        "elect the preferred seller (a seller counts once per day and store).",
    )
    oto_store_criteria = fields.Selection(
        STORE_CRITERIA,
        string="Preferred store criteria",
        default="count,amount,recent",
        required=True,
    )
    oto_daily_limit = fields.Integer(
        string="Daily suggestions per seller",
        default=30,
        help="The brand's limiter: at most this many suggestions per seller and "
        "day; a store or a seller may have their own.",
    )
    oto_quarantine_mode = fields.Selection(
        [("fixed", "Fixed days"), ("smart", "Smart frequency")],
        string="Quarantine",
        default="smart",
        required=True,
        help="Fixed: the same rest after every contact. Smart frequency: "
        "learned per customer from their purchase cycle and their answers.",
    )
    oto_quarantine_days = fields.Integer(
        string="Quarantine days",
        default=15,
        help="Fixed mode: the rest after a contact. Smart mode: the rest for a "
        "customer without purchases yet.",
    )
    oto_interval_min = fields.Integer(string="Shortest rest (days)", default=7)
    oto_interval_max = fields.Integer(string="Longest rest (days)", default=60)
    oto_online_store_url = fields.Char(
        string="Seller link",
        help="The online store's address for a seller's link and QR code, with "
        "{code} where the seller code goes, e.g. "
        "https://loja.example.com/?vendedor={code}",
    )
    oto_lead_idle_days = fields.Integer(
        string="Days without interaction",
        default=7,
        help="An open subject of the funnel without a logged action, message, "
        "stage change or quotation for this many days is flagged.",
    )
    oto_login_mode = fields.Selection(
        [
            ("personal", "A personal login per seller"),
            ("store", "One login per store, each seller with a PIN"),
        ],
        string="Sellers sign in with",
        default="personal",
        required=True,
    )
    oto_pin_idle_minutes = fields.Integer(
        string="Ask the PIN again after (minutes idle)", default=5
    )
    oto_pin_max_attempts = fields.Integer(string="Wrong PINs before locking", default=5)
    oto_morning_push_hour = fields.Integer(
        string="Morning notification at (hour)",
        default=8,
        help="The hour (brand time, 0 to 23) from which sellers who asked for "
        'it get "Your N customers for today" on their phone.',
    )
    oto_password_max_attempts = fields.Integer(
        string="Wrong passwords before locking",
        default=5,
        help="Wrong passwords in a row that lock an Oto user until a store "
        "manager or a brand admin unlocks them.",
    )
    oto_attribution_days = fields.Integer(
        string="Attribution window (days)",
        default=7,
        help="A purchase up to this many days after a contact that reached "
        "the customer counts as a sale from that contact (the last one).",
    )
    # Message drafting by a text-generation provider (OpenAI-compatible).
    oto_draft_enabled = fields.Boolean(string="Draft messages with a provider")
    oto_draft_base_url = fields.Char(
        string="Provider URL",
        help="The base URL of an OpenAI-compatible chat-completions API, e.g. "
        "https://api.openai.com/v1 or the brand's own server.",
    )
    oto_draft_model = fields.Char(string="Model")
    oto_draft_api_key = fields.Char(
        string="Provider key", groups="base.group_system", copy=False
    )
    oto_draft_timeout = fields.Float(string="Provider timeout (seconds)", default=5.0)
    oto_draft_max_chars = fields.Integer(
        string="Longest drafted message (characters)", default=300
    )
    oto_rfv_thresholds = fields.Char(
        string="RFV thresholds",
        readonly=True,
        copy=False,
        help="Quintile thresholds of recency, frequency and value (JSON), "
        "recomputed weekly by the wallet engine.",
    )
    oto_rfv_date = fields.Date(string="RFV thresholds date", readonly=True, copy=False)
    oto_last_engine_run = fields.Datetime(
        string="Last wallet refresh",
        readonly=True,
        copy=False,
    )
    oto_engine_timezone = fields.Char(
        string="Wallet engine time zone",
        readonly=True,
        copy=False,
        help="The brand's time zone the wallet engine state was built in: "
        "when the brand's changes, the next run rebuilds it.",
    )

    # Settings that change the engine state itself: the next run rebuilds it.
    _OTO_ENGINE_SETTINGS = ("oto_window_months", "oto_preferred_orders")

    def write(self, vals):
        if any(key in vals for key in self._OTO_ENGINE_SETTINGS):
            changed = self.filtered(
                lambda c: any(
                    c[key] != vals[key] for key in vals if key in c._OTO_ENGINE_SETTINGS
                )
            )
            result = super().write(vals)
            if changed:
                super(ResCompany, changed).write({"oto_last_engine_run": False})
            return result
        return super().write(vals)

    @api.constrains(
        "oto_pin_idle_minutes",
        "oto_pin_max_attempts",
        "oto_password_max_attempts",
        "oto_lead_idle_days",
        "oto_morning_push_hour",
    )
    def _check_oto_pin_settings(self):
        for company in self:
            if not 0 <= company.oto_morning_push_hour <= 23:
                raise ValidationError(
                    self.env._(
                        "The morning notification's hour goes from 0 to 23, not "
                        "%(hour)s.",
                        hour=company.oto_morning_push_hour,
                    )
                )
            if company.oto_lead_idle_days < 1:
                raise ValidationError(
                    self.env._(
                        "A subject is without interaction after at least 1 day, "
                        "not %(days)s.",
                        days=company.oto_lead_idle_days,
                    )
                )
            if company.oto_pin_idle_minutes < 1:
                raise ValidationError(
                    self.env._("The PIN is asked again after at least 1 minute.")
                )
            if not 3 <= company.oto_pin_max_attempts <= 10:
                raise ValidationError(
                    self.env._(
                        "Lock a seller after 3 to 10 wrong PINs, not %(count)s.",
                        count=company.oto_pin_max_attempts,
                    )
                )
            if not 3 <= company.oto_password_max_attempts <= 10:
                raise ValidationError(
                    self.env._(
                        "Lock a user after 3 to 10 wrong passwords, not %(count)s.",
                        count=company.oto_password_max_attempts,
                    )
                )

    def _oto_rfv_thresholds(self):
        self.ensure_one()
        try:
            return json.loads(self.oto_rfv_thresholds or "{}")
        except ValueError:
            return {}

    @api.constrains(
        "oto_daily_limit",
        "oto_quarantine_days",
        "oto_interval_min",
        "oto_interval_max",
        "oto_online_store_url",
        "oto_attribution_days",
    )
    def _check_oto_suggestion_settings(self):
        for company in self:
            if company.oto_attribution_days < 1:
                raise ValidationError(
                    self.env._(
                        "The attribution window is at least one day, not %(days)s.",
                        days=company.oto_attribution_days,
                    )
                )
            if company.oto_daily_limit < 1:
                raise ValidationError(
                    self.env._(
                        "The daily suggestions per seller must be at least 1, not "
                        "%(limit)s (to stop a campaign, archive it).",
                        limit=company.oto_daily_limit,
                    )
                )
            if company.oto_quarantine_days < 1:
                raise ValidationError(
                    self.env._("The quarantine lasts at least one day.")
                )
            if not 1 <= company.oto_interval_min <= company.oto_interval_max:
                raise ValidationError(
                    self.env._(
                        "The shortest rest (%(minimum)s days) must be at least one "
                        "day and no longer than the longest (%(maximum)s days).",
                        minimum=company.oto_interval_min,
                        maximum=company.oto_interval_max,
                    )
                )
            url = company.oto_online_store_url
            if url and (
                "{code}" not in url or not url.startswith(("https://", "http://"))
            ):
                raise ValidationError(
                    self.env._(
                        "The seller link must be a web address with {code} where "
                        "the seller code goes, e.g. "
                        "https://loja.example.com/?vendedor={code}"
                    )
                )

    @api.constrains(
        "oto_draft_enabled",
        "oto_draft_base_url",
        "oto_draft_model",
        "oto_draft_timeout",
        "oto_draft_max_chars",
    )
    def _check_oto_draft_settings(self):
        messages = self._oto_draft_setting_messages()
        labels = {
            "base_url": self.env._("Provider URL"),
            "model": self.env._("Model"),
            "timeout": self.env._("Provider timeout (seconds)"),
        }
        for company in self:
            if not 50 <= company.oto_draft_max_chars <= 1000:
                raise ValidationError(
                    self.env._(
                        "A drafted message has between 50 and 1000 characters, "
                        "not %(chars)s.",
                        chars=company.oto_draft_max_chars,
                    )
                )
            if not (company.oto_draft_enabled or company.oto_draft_base_url):
                continue
            problems = tg.check_settings(
                company.oto_draft_base_url or "",
                company.oto_draft_model or "",
                company.oto_draft_timeout,
            )
            if problems:
                raise ValidationError(
                    self.env._(
                        "The message drafting provider cannot be used: %(problems)s.",
                        problems="; ".join(
                            f"{labels.get(field, field)}: "
                            f"{messages.get(problem, problem)}"
                            for field, problem in problems.items()
                        ),
                    )
                )

    def _oto_draft_setting_messages(self):
        """``tools.text_generation.SETTING_MESSAGES`` in the user's language."""
        return {
            tg.REQUIRED: self.env._("required"),
            tg.URL_SCHEME: self.env._("must be an http:// or https:// address"),
            tg.URL_HOST: self.env._("must include a host name"),
            tg.URL_INVALID: self.env._("not a valid address"),
            tg.URL_CREDENTIALS: self.env._("must not contain a user name or password"),
            tg.URL_QUERY: self.env._("must not contain a query string or a fragment"),
            tg.TIMEOUT_NUMBER: self.env._("must be a number of seconds"),
            tg.TIMEOUT_POSITIVE: self.env._("must be greater than 0"),
            tg.TIMEOUT_MAX: self.env._("at most 60 seconds"),
            tg.API_KEY_TEXT: self.env._("must be printable characters without spaces"),
        }

    @api.constrains("oto_window_months", "oto_preferred_orders")
    def _check_oto_engine_settings(self):
        for company in self:
            if not 1 <= company.oto_window_months <= 60:
                raise ValidationError(
                    self.env._(
                        "The purchase window must be between 1 and 60 months, "
                        "not %(months)s.",
                        months=company.oto_window_months,
                    )
                )
            if not 1 <= company.oto_preferred_orders <= 50:
                raise ValidationError(
                    self.env._(
                        "The orders considered for the preferred seller must be "
                        "between 1 and 50, not %(orders)s.",
                        orders=company.oto_preferred_orders,
                    )
                )
