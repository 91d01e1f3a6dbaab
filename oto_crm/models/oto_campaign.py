# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from ..tools.suggestion_rules import (
    PLACEHOLDERS,
    TemplateError,
    birthday_keys,
    template_placeholders,
)
from .brand_time import brand_today

AUDIENCES = [
    ("birthday", "Birthday in the next days"),
    ("no_purchase", "No purchase for some days"),
    ("post_sale", "Days after a purchase (post-sale)"),
    ("new_customer", "New customers"),
    ("segment", "RFV segments"),
    ("domain", "Custom filter"),
]


class OtoCampaign(models.Model):
    """A brand's campaign: who to contact (audience), how (channels and
    message), when (validity) and in which order among the others
    (sequence). The daily generation turns campaigns into suggestions for
    each seller's wallet."""

    _name = "oto.campaign"
    _description = "Campaign"
    _inherit = ["mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    sequence = fields.Integer(
        string="Priority",
        default=10,
        help="Campaigns are offered to sellers in this order, lowest first.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    kind = fields.Selection(
        [("relationship", "Relationship"), ("sales", "Sales")],
        required=True,
        default="sales",
        tracking=True,
    )
    audience = fields.Selection(AUDIENCES, required=True, default="no_purchase")
    audience_days = fields.Integer(
        string="Days",
        default=60,
        help="Birthday: within the next N days. No purchase: last purchase at "
        "least N days ago. Post-sale: the last purchase N days ago. New "
        "customers: first purchase or sign-up in the last N days.",
    )
    segment_ids = fields.Many2many("oto.rfv.segment", string="Segments")
    domain = fields.Char(
        string="Filter",
        default="[]",
        help="Customers matching this filter (custom audience).",
    )
    channel_whatsapp = fields.Boolean(string="WhatsApp", default=True)
    channel_sms = fields.Boolean(string="SMS")
    channel_call = fields.Boolean(string="Phone call")
    message = fields.Text(
        translate=True,
        help="The message sellers start from (they may edit it). "
        "Placeholders: {first_name}, {name}, {seller}, {store}, {brand}, "
        "{seller_link}, {last_purchase}, {products} (the recommended products).",
    )
    date_from = fields.Date(
        string="Valid from", default=lambda self: brand_today(self.env)
    )
    date_to = fields.Date(string="Valid until")
    store_ids = fields.Many2many(
        "oto.store",
        string="Stores",
        check_company=True,
        help="Only the sellers of these stores get the campaign; empty: all stores.",
    )
    daily_cap = fields.Integer(
        string="Daily cap per seller",
        help="At most this many suggestions of this campaign per seller and "
        "day; 0: only the seller's daily limit applies.",
    )
    holdout_percent = fields.Float(
        string="Holdout (%)",
        default=10.0,
        help="This share of the audience, chosen at random once for the whole "
        "campaign, is never contacted: comparing its purchases with the "
        "others' measures the campaign's real lift.",
    )
    validity_days = fields.Integer(
        string="Suggestion open for (days)",
        default=1,
        help="An unworked suggestion expires after this many days.",
    )
    cooldown_days = fields.Integer(
        string="Suggest the same customer again after (days)",
        default=30,
    )
    suggestion_ids = fields.One2many("oto.suggestion", "campaign_id")
    suggestion_count = fields.Integer(compute="_compute_counts")
    holdout_count = fields.Integer(compute="_compute_counts")

    def _compute_counts(self):
        suggestions = dict(
            self.env["oto.suggestion"]._read_group(
                [("campaign_id", "in", self.ids)], ["campaign_id"], ["__count"]
            )
        )
        holdouts = dict(
            self.env["oto.campaign.holdout"]._read_group(
                [("campaign_id", "in", self.ids)], ["campaign_id"], ["__count"]
            )
        )
        for campaign in self:
            campaign.suggestion_count = suggestions.get(campaign, 0)
            campaign.holdout_count = holdouts.get(campaign, 0)

    # ------------------------------------------------------------ checks

    @api.constrains("message")
    def _check_message(self):
        for campaign in self:
            try:
                template_placeholders(campaign.message)
            except TemplateError as exc:
                if exc.placeholder:
                    raise ValidationError(
                        self.env._(
                            "The message of %(campaign)s uses {%(placeholder)s}, "
                            "which is not a placeholder. Use one of: %(known)s.",
                            campaign=campaign.name,
                            placeholder=exc.placeholder,
                            known=", ".join(f"{{{p}}}" for p in PLACEHOLDERS),
                        )
                    ) from exc
                raise ValidationError(
                    self.env._(
                        "The message of %(campaign)s has an unbalanced brace: "
                        "write placeholders as {first_name}, and a literal "
                        "brace as {{ or }}.",
                        campaign=campaign.name,
                    )
                ) from exc

    @api.constrains(
        "audience",
        "audience_days",
        "segment_ids",
        "domain",
        "channel_whatsapp",
        "channel_sms",
        "channel_call",
        "date_from",
        "date_to",
        "daily_cap",
        "holdout_percent",
        "validity_days",
        "cooldown_days",
    )
    def _check_settings(self):
        for campaign in self:
            error = campaign._settings_error()
            if error:
                raise ValidationError(error)

    def _settings_error(self):
        self.ensure_one()
        if not self._channels():
            return self.env._(
                "Choose at least one channel for %(campaign)s.", campaign=self.name
            )
        if self.audience == "segment" and not self.segment_ids:
            return self.env._(
                "The audience of %(campaign)s is empty: choose at least one RFV "
                "segment.",
                campaign=self.name,
            )
        if self.audience == "domain":
            try:
                domain = safe_eval(self.domain or "[]")
                self.env["res.partner"]._search(domain)
            except Exception as exc:  # noqa: BLE001 - any error makes it invalid
                return self.env._(
                    "The filter of %(campaign)s is not valid: %(error)s",
                    campaign=self.name,
                    error=exc,
                )
            if not domain:
                return self.env._(
                    "The audience of %(campaign)s is empty: write a filter, or "
                    "choose another audience.",
                    campaign=self.name,
                )
        if self.audience in ("birthday", "new_customer", "no_purchase", "post_sale"):
            if not 0 <= self.audience_days <= 366:
                return self.env._(
                    "The days of the audience must be between 0 and 366, not %(days)s.",
                    days=self.audience_days,
                )
        if self.date_from and self.date_to and self.date_to < self.date_from:
            return self.env._("%(campaign)s ends before it starts.", campaign=self.name)
        if self.daily_cap < 0:
            return self.env._("The daily cap cannot be negative (0 means no cap).")
        if not 0 <= self.holdout_percent <= 50:
            return self.env._("The holdout must be between 0% and 50% of the audience.")
        if self.validity_days < 1:
            return self.env._("A suggestion stays open at least one day.")
        if self.cooldown_days < 0:
            return self.env._(
                "The days before suggesting a customer again cannot be negative."
            )
        return None

    def _channels(self):
        self.ensure_one()
        return [
            channel
            for channel in ("whatsapp", "sms", "call")
            if self[f"channel_{channel}"]
        ]

    # ---------------------------------------------------------- audience

    def _audience_sql(self, today):
        """SQL condition on the customer ``p`` (``res_partner``) and their
        engine state ``c`` (``oto_wallet_customer``, may be NULL) selecting
        the campaign's audience on ``today``."""
        self.ensure_one()
        days = self.audience_days
        start = fields.Datetime.to_datetime(today)
        if self.audience == "birthday":
            return SQL(
                "to_char(p.oto_birthdate, 'MMDD') = ANY(%s)",
                birthday_keys(today, days),
            )
        if self.audience == "no_purchase":
            return SQL("c.last_purchase < %s", start - timedelta(days=days - 1))
        if self.audience == "post_sale":
            return SQL(
                "c.last_purchase >= %s AND c.last_purchase < %s",
                start - timedelta(days=days),
                start - timedelta(days=days - 1),
            )
        if self.audience == "new_customer":
            since = start - timedelta(days=days)
            return SQL(
                "(p.create_date >= %(since)s AND c.id IS NULL)"
                " OR (c.order_count = 1 AND c.last_purchase >= %(since)s)",
                since=since,
            )
        if self.audience == "segment":
            return SQL("c.segment_id = ANY(%s)", self.segment_ids.ids)
        query = self.env["res.partner"].sudo()._search(safe_eval(self.domain or "[]"))
        return SQL("p.id IN %s", query.subselect())

    def action_preview_audience(self):
        """The customers the campaign would reach today (before wallet,
        consent, quarantine and limits). For those who write campaigns."""
        self.ensure_one()
        self.check_access("write")
        today = brand_today(self.env)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id FROM res_partner p
                  LEFT JOIN oto_wallet_customer c ON c.partner_id = p.id
                                                 AND c.company_id = %(company)s
                 WHERE p.active AND (%(audience)s)
                 LIMIT 10000
                """,
                company=self.company_id.id,
                audience=self._audience_sql(today),
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        if not ids:
            raise UserError(
                self.env._(
                    "No customer matches the audience of %(campaign)s today.",
                    campaign=self.name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Audience of %(campaign)s", campaign=self.name),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", ids)],
        }

    def action_view_suggestions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "oto_crm.oto_suggestion_action"
        )
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"search_default_group_state": 1}
        return action


class OtoCampaignHoldout(models.Model):
    """A customer kept out of a campaign (the control group): recorded the
    day they would have been suggested, to measure the campaign's lift."""

    _name = "oto.campaign.holdout"
    _description = "Campaign holdout"
    _order = "date desc, id desc"
    _log_access = False

    campaign_id = fields.Many2one("oto.campaign", required=True, ondelete="cascade")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    seller_id = fields.Many2one("oto.seller", ondelete="set null")
    company_id = fields.Many2one("res.company", required=True)
    date = fields.Date(required=True)

    _sql_constraints = [
        (
            "campaign_partner_uniq",
            "unique(campaign_id, partner_id)",
            "A customer is held out of a campaign once.",
        ),
    ]
