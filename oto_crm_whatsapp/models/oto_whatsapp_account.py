# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import re

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.cloud_api import (
    CloudApiAuthError,
    CloudApiClient,
    CloudApiError,
    error_reason,
)

_logger = logging.getLogger(__name__)
GRAPH_URL = "https://graph.facebook.com"

SECRET_GROUP = "base.group_system"


class OtoWhatsappAccount(models.Model):
    _name = "oto.whatsapp.account"
    _description = "WhatsApp Business account"
    _inherit = ["mail.thread"]
    _order = "name, id"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    phone_number_id = fields.Char(
        string="Phone number ID",
        required=True,
        tracking=True,
        help="The ID of the sending phone number in Meta's WhatsApp Manager "
        "(not the phone number itself).",
    )
    business_account_id = fields.Char(
        string="Business account ID",
        required=True,
        tracking=True,
        help="The WhatsApp Business Account (WABA) ID: templates live there.",
    )
    api_version = fields.Char(
        string="Graph API version", default="v21.0", required=True
    )
    access_token = fields.Char(
        groups=SECRET_GROUP,
        copy=False,
        help="A permanent system-user token with whatsapp_business_messaging "
        "and whatsapp_business_management permissions.",
    )
    app_secret = fields.Char(
        groups=SECRET_GROUP,
        copy=False,
        help="The Meta app's secret: webhooks are accepted only when signed with it.",
    )
    webhook_verify_token = fields.Char(
        groups=SECRET_GROUP,
        copy=False,
        help="The token Meta sends back when you register the webhook URL.",
    )

    state = fields.Selection(
        [
            ("ok", "Working"),
            ("error", "Last call failed"),
            ("paused", "Sending paused"),
        ],
        default="ok",
        required=True,
        tracking=True,
        readonly=True,
        help="Sending pauses when Meta refuses the token: queued messages wait "
        "until the token is fixed and sending resumed.",
    )
    last_error = fields.Char(readonly=True)
    rate_per_second = fields.Float(
        string="Messages per second",
        default=20.0,
        help="The queue never sends faster than this.",
    )
    display_phone = fields.Char(string="Phone number", readonly=True)
    verified_name = fields.Char(readonly=True)
    quality_rating = fields.Char(readonly=True)
    quality_event = fields.Char(
        string="Last quality change",
        readonly=True,
        help="What Meta last said of the number's quality (flagged, "
        "unflagged, downgraded, upgraded).",
    )
    messaging_limit = fields.Char(
        readonly=True, help="The number's messaging limit at Meta (TIER_1K...)."
    )
    quality_date = fields.Datetime(string="Quality changed on", readonly=True)
    quality_time = fields.Integer(
        readonly=True, help="When Meta issued the last quality change applied."
    )
    unknown_count = fields.Integer(
        string="Messages of unknown fate", compute="_compute_unknown_count"
    )
    window_hours = fields.Integer(
        string="Service window (hours)",
        default=24,
        help="After a customer's message, free text may be sent for this long; "
        "afterwards only approved templates.",
    )
    optout_keywords = fields.Char(
        string="Opt-out keywords",
        default="SAIR, PARAR, STOP",
        help="A customer's message that is only one of these words revokes their "
        "marketing consent (case and accents ignored).",
    )
    template_ids = fields.One2many(
        "oto.whatsapp.template", "account_id", string="Templates"
    )

    _sql_constraints = [
        (
            "phone_number_id_uniq",
            "unique(phone_number_id)",
            "This phone number ID is already used by another WhatsApp account.",
        ),
    ]

    @api.constrains("phone_number_id", "business_account_id")
    def _check_ids(self):
        for account in self:
            for value in (account.phone_number_id, account.business_account_id):
                if not re.fullmatch(r"\d{5,25}", value or ""):
                    raise ValidationError(
                        self.env._(
                            "'%(value)s' is not a Meta ID: it has only digits, "
                            "as shown in WhatsApp Manager.",
                            value=value,
                        )
                    )

    @api.constrains("api_version")
    def _check_api_version(self):
        for account in self:
            if not re.fullmatch(r"v\d{1,2}\.\d", account.api_version or ""):
                raise ValidationError(
                    self.env._(
                        "The Graph API version looks like 'v21.0', not '%(version)s'.",
                        version=account.api_version,
                    )
                )

    @api.constrains("rate_per_second", "window_hours")
    def _check_rates(self):
        for account in self:
            if not 0.1 <= account.rate_per_second <= 1000:
                raise ValidationError(
                    self.env._(
                        "Messages per second are between 0.1 and 1000, not %(rate)s.",
                        rate=account.rate_per_second,
                    )
                )
            if not 1 <= account.window_hours <= 24:
                raise ValidationError(
                    self.env._("The service window is 1 to 24 hours.")
                )

    def _compute_unknown_count(self):
        counts = dict(
            self.env["oto.whatsapp.message"]
            .sudo()
            ._read_group(
                [("account_id", "in", self.ids), ("state", "=", "unknown")],
                ["account_id"],
                ["__count"],
            )
        )
        for account in self:
            account.unknown_count = counts.get(account, 0)

    # ------------------------------------------------------------- the API

    def _sending_token(self):
        """The access token, or a UserError saying what to do."""
        self.ensure_one()
        token = self.sudo().access_token
        if not token or not token.strip():
            raise UserError(
                self.env._(
                    "The WhatsApp account %(name)s has no access token: an "
                    "administrator adds one (Credentials), then resumes sending.",
                    name=self.name,
                )
            )
        return token

    def _graph_url(self):
        return (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("oto_crm_whatsapp.graph_url", GRAPH_URL)
        )

    def _client(self):
        """The Cloud API client of this account (the one place that calls
        Meta)."""
        self.ensure_one()
        try:
            return CloudApiClient(
                self._sending_token(),
                api_version=self.api_version,
                base_url=self._graph_url(),
            )
        except CloudApiAuthError as exc:
            raise UserError(
                self.env._(
                    "The access token of the WhatsApp account %(name)s is not "
                    "valid: %(error)s",
                    name=self.name,
                    error=exc.message,
                )
            ) from exc

    def _error_text(self, exc):
        reason = error_reason(exc.code, "") if exc.code is not None else ""
        text = reason or exc.message or type(exc).__name__
        return f"({exc.code}) {text}" if exc.code else text

    def _record_api_error(self, exc, pause=False):
        """Keep the failure on the account; a refused token (or Meta blocking
        the account) pauses sending."""
        self.ensure_one()
        text = self._error_text(exc)
        if isinstance(exc, CloudApiAuthError):
            self._pause(
                self.env._(
                    "Meta refused the access token (expired or revoked): sending "
                    "is paused, queued messages wait. %(error)s",
                    error=text,
                )
            )
        elif pause:
            self._pause(
                self.env._(
                    "Meta refused to send for this account: sending is paused, "
                    "queued messages wait. %(error)s",
                    error=text,
                )
            )
        else:
            self.sudo().write({"state": "error", "last_error": text})
            _logger.warning("WhatsApp account %s: %s", self.id, text)

    def _pause(self, text):
        """Stop sending for this account with the reason on it; its queued
        messages wait, the other accounts go on."""
        self.ensure_one()
        account = self.sudo()
        if account.state == "paused" and account.last_error == text:
            return
        account.write({"state": "paused", "last_error": text})
        account.message_post(body=text)
        _logger.warning("WhatsApp account %s paused: %s", self.id, text)

    def _record_failure(self, exc):
        """An unexpected failure of this account's sending, kept on it."""
        self.ensure_one()
        error = f"{type(exc).__name__}: {exc}"
        text = self.env._("Sending failed: %(error)s", error=error[:400])
        self.sudo().write({"state": "error", "last_error": text})

    def action_test_connection(self):
        self.ensure_one()
        try:
            info = self._client().get_phone_number(self.phone_number_id)
        except CloudApiError as exc:
            self._record_api_error(exc)
            message, kind = self.last_error, "danger"
        else:
            self.sudo().write(
                {
                    "display_phone": info.get("display_phone_number"),
                    "verified_name": info.get("verified_name"),
                    "quality_rating": info.get("quality_rating"),
                    "last_error": False,
                    "state": "ok" if self.state != "paused" else "paused",
                }
            )
            message = self.env._(
                "Connected: %(phone)s (%(name)s), quality %(quality)s.",
                phone=self.display_phone,
                name=self.verified_name,
                quality=self.quality_rating or "-",
            )
            kind = "success"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": kind,
                "title": self.env._("WhatsApp connection"),
                "message": message,
                "sticky": kind == "danger",
            },
        }

    def action_resume(self):
        """Resume sending after the token was fixed."""
        for account in self:
            account._sending_token()
        self.sudo().write({"state": "ok", "last_error": False})
        self.env.ref("oto_crm_whatsapp.ir_cron_oto_whatsapp_send")._trigger()
        return True

    def action_view_unknown(self):
        """The messages whose fate is unknown: to check before resending."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "oto_crm_whatsapp.oto_whatsapp_message_action"
        )
        action["domain"] = [("account_id", "=", self.id), ("state", "=", "unknown")]
        action["context"] = {}
        return action

    def _apply_phone_quality(self, event):
        """A quality or messaging-limit change of the number, shown on the
        account; an older one than the last applied changes nothing."""
        self.ensure_one()
        if event.time and event.time <= (self.quality_time or 0):
            return False
        events = {
            "FLAGGED": self.env._(
                "flagged: its quality is low, sending may be limited"
            ),
            "UNFLAGGED": self.env._("unflagged: its quality is back"),
            "DOWNGRADE": self.env._("downgraded: its messaging limit went down"),
            "UPGRADE": self.env._("upgraded: its messaging limit went up"),
        }
        shown = events.get(event.event, event.event.lower())
        self.sudo().write(
            {
                "quality_event": shown,
                "messaging_limit": event.current_limit or self.messaging_limit,
                "quality_date": fields.Datetime.now(),
                "quality_time": event.time or self.quality_time,
            }
        )
        self.sudo().message_post(
            body=self.env._(
                "Meta: the number %(phone)s was %(event)s (limit %(limit)s).",
                phone=self.display_phone or event.display_phone_number,
                event=shown,
                limit=event.current_limit or "-",
            )
        )
        return True
