# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.webhook import parse_delivery

_logger = logging.getLogger(__name__)

# The most of an item's JSON kept (a 1 MB text is kept whole).
MAX_PAYLOAD = 2_000_000
KEEP_DAYS = 90


class OtoWhatsappEvent(models.Model):
    """What Meta's webhook brought that could not be applied at once, kept
    with its raw JSON so that nothing is lost silently: a status of a
    message not known yet (applied when the message is), an event for a
    number no account has, an item that could not be read, one whose
    application failed, a field the add-on does not act on."""

    _name = "oto.whatsapp.event"
    _description = "WhatsApp webhook event kept"
    _order = "id desc"
    _rec_name = "kind"

    account_id = fields.Many2one(
        "oto.whatsapp.account", index=True, ondelete="set null", readonly=True
    )
    company_id = fields.Many2one("res.company", index=True, readonly=True)
    kind = fields.Selection(
        [
            ("status", "Status of a message"),
            ("message", "Customer's message"),
            ("template", "Template change"),
            ("quality", "Number quality"),
            ("item", "Unreadable item"),
            ("field", "Other webhook field"),
        ],
        required=True,
        readonly=True,
    )
    state = fields.Selection(
        [
            ("pending", "Waiting for its message"),
            ("unroutable", "No account for it"),
            ("unparseable", "Could not be read"),
            ("failed", "Failed to apply"),
            ("unhandled", "Not acted on"),
            ("applied", "Applied"),
            ("orphan", "Its message never came"),
        ],
        required=True,
        index=True,
        readonly=True,
    )
    phone_number_id = fields.Char(readonly=True)
    waba_id = fields.Char(string="Business account ID", readonly=True)
    meta_message_id = fields.Char(
        string="Meta message ID", index="btree_not_null", readonly=True
    )
    field_name = fields.Char(string="Webhook field", readonly=True)
    event_time = fields.Integer(
        readonly=True, help="When Meta issued it (seconds since 1970)."
    )
    path = fields.Char(readonly=True, help="Where the item was in the delivery.")
    error = fields.Text(readonly=True)
    payload = fields.Text(string="Raw JSON", readonly=True)

    # ------------------------------------------------------------- keeping

    @api.model
    def _dump(self, raw):
        if isinstance(raw, str | bytes):
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        else:
            try:
                text = json.dumps(raw, ensure_ascii=False, default=str)
            except (TypeError, ValueError):
                text = repr(raw)
        return text[:MAX_PAYLOAD]

    @api.model
    def _keep(self, kind, state, raw, account=None, **values):
        """Keep an event (whatever the caller's rights)."""
        account = account or self.env["oto.whatsapp.account"]
        return self.sudo().create(
            {
                "kind": kind,
                "state": state,
                "payload": self._dump(raw),
                "account_id": account.id,
                "company_id": account.company_id.id,
                **values,
            }
        )

    # --------------------------------------------------------- applying

    def _apply_again(self):
        """Apply a kept event now (its message came, an account was added,
        the failure was fixed); it stays kept when it still cannot be."""
        webhook = self.env["oto.whatsapp.webhook"].sudo()
        accounts = self.env["oto.whatsapp.account"].sudo().search([])
        for event in self:
            try:
                raw = json.loads(event.payload or "null")
            except ValueError:
                continue
            payload = event._envelope(raw)
            if payload is None:
                continue
            delivery = parse_delivery(payload)
            if delivery.problems or not delivery.events:
                continue
            with self.env.cr.savepoint():
                counts = webhook._process_delivery(
                    accounts, delivery, keep=False, raw=event.payload
                )
            if counts.get("applied"):
                event.write({"state": "applied", "error": False})

    def _envelope(self, raw):
        """The kept item back in a delivery of its own."""
        self.ensure_one()
        if self.kind == "status" and isinstance(raw, dict):
            value = {
                "metadata": {"phone_number_id": self.phone_number_id},
                "statuses": [raw],
            }
            field_name = "messages"
        elif self.kind == "message" and isinstance(raw, dict):
            value = {
                "metadata": {"phone_number_id": self.phone_number_id},
                "messages": [raw.get("message", raw)],
                "contacts": raw.get("contacts", []),
            }
            field_name = "messages"
        elif self.kind in ("template", "quality") and isinstance(raw, dict):
            value, field_name = raw, self.field_name
        else:
            return None
        entry = {
            "id": self.waba_id or "0",
            "changes": [{"field": field_name, "value": value}],
        }
        if self.event_time:
            entry["time"] = self.event_time
        return {"object": "whatsapp_business_account", "entry": [entry]}

    def action_apply_again(self):
        if not (
            self.env.is_superuser()
            or self.env.user.has_group("oto_crm.oto_crm_group_admin")
        ):
            raise UserError(self.env._("Only a brand admin applies webhook events."))
        self._apply_again()
        return True

    # ------------------------------------------------------------- cron

    @api.model
    def _cron_tidy(self):
        """Company by company: statuses whose message never came become
        orphans after a week; events applied or not acted on go after
        90 days."""
        companies = self.env["res.company"].search([])
        self.env["oto.company.job"]._run_per_company("whatsapp", companies, self._tidy)
        self._tidy(self.env["res.company"])

    def _tidy(self, company):
        now = fields.Datetime.now()
        scope = [("company_id", "=", company.id or False)]
        self.sudo().search(
            [
                *scope,
                ("state", "=", "pending"),
                ("create_date", "<", now - timedelta(days=7)),
            ]
        ).write({"state": "orphan"})
        self.sudo().search(
            [
                *scope,
                ("state", "in", ("applied", "unhandled")),
                ("create_date", "<", now - timedelta(days=KEEP_DAYS)),
            ]
        ).unlink()
