# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import time
from datetime import UTC, datetime, timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.oto_crm.models.oto_wallet_engine import _testing

from ..tools.cloud_api import CloudApiAuthError, CloudApiError, error_reason
from ..tools.webhook import is_newer

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


class OtoWhatsappMessage(models.Model):
    """One WhatsApp message, sent or received, with its status."""

    _name = "oto.whatsapp.message"
    _description = "WhatsApp message"
    _order = "id desc"
    _rec_name = "meta_id"

    account_id = fields.Many2one(
        "oto.whatsapp.account", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    direction = fields.Selection(
        [("out", "Sent"), ("in", "Received")], required=True, default="out"
    )
    template_id = fields.Many2one("oto.whatsapp.template", ondelete="set null")
    partner_id = fields.Many2one("res.partner", string="Customer", index=True)
    model = fields.Char(string="Document model")
    res_id = fields.Many2oneReference(string="Document", model_field="model")
    phone = fields.Char(required=True, help="E.164")
    body = fields.Text()
    variables = fields.Json(help="The template's parameters, in order.")
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("sent", "Sent"),
            ("delivered", "Delivered"),
            ("read", "Read"),
            ("failed", "Failed"),
            ("received", "Received"),
            ("cancelled", "Cancelled"),
        ],
        default="queued",
        required=True,
        index=True,
    )
    meta_id = fields.Char(string="Meta message ID", readonly=True, copy=False)
    error_code = fields.Integer(readonly=True)
    error_reason = fields.Char(readonly=True)
    attempts = fields.Integer(readonly=True)
    next_attempt = fields.Datetime(default=fields.Datetime.now, index=True)
    sent_date = fields.Datetime(readonly=True)
    status_date = fields.Datetime(readonly=True)

    _sql_constraints = [
        ("meta_id_uniq", "unique(meta_id)", "This WhatsApp message is already known.")
    ]

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS oto_whatsapp_message_queue_idx "
            "ON oto_whatsapp_message (account_id, next_attempt) "
            "WHERE state = 'queued'"
        )

    # --------------------------------------------------------------- queue

    @api.model
    def _cron_send_queue(self, batch_size=None, time_budget=50):
        """Send queued messages, per account at most its rate, with retries
        and backoff; an account whose token is refused is paused (messages
        wait, nothing is lost)."""
        batch_size = batch_size or int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("oto_crm_whatsapp.batch_size", 500)
        )
        started = time.monotonic()
        sent = 0
        accounts = (
            self.env["oto.whatsapp.account"].sudo().search([("state", "!=", "paused")])
        )
        for account in accounts:
            while time.monotonic() - started < time_budget:
                done = self._send_batch(account, batch_size)
                sent += done
                if not _testing():
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                if done < batch_size or account.state == "paused":
                    break
        return sent

    @api.model
    def _send_batch(self, account, batch_size):
        """One batch of ``account``'s due messages (rows locked, so two
        workers never send the same message)."""
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM oto_whatsapp_message
                 WHERE account_id = %s AND state = 'queued' AND next_attempt <= %s
                 ORDER BY next_attempt, id
                 LIMIT %s FOR UPDATE SKIP LOCKED
                """,
                account.id,
                fields.Datetime.now(),
                batch_size,
            )
        )
        messages = self.browse([row[0] for row in self.env.cr.fetchall()])
        if not messages:
            return 0
        client = account._client()
        interval = 1.0 / max(account.rate_per_second, 0.1)
        next_slot = time.monotonic()
        done = 0
        for message in messages:
            # Never above the account's rate.
            wait = next_slot - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            next_slot = max(next_slot, time.monotonic()) + interval
            try:
                message._send(client)
            except CloudApiAuthError as exc:
                account._record_api_error(exc, pause=True)
                break
            done += 1
        return done

    def _send(self, client):
        self.ensure_one()
        account = self.account_id
        try:
            if self.template_id:
                meta_id = client.send_template(
                    account.phone_number_id,
                    self.phone,
                    self.template_id.name,
                    self.template_id.language,
                    self._template_components(),
                )
            else:
                meta_id = client.send_text(
                    account.phone_number_id, self.phone, self.body
                )
        except CloudApiAuthError:
            raise
        except CloudApiError as exc:
            attempts = self.attempts + 1
            if exc.retryable and attempts < MAX_ATTEMPTS:
                self.write(
                    {
                        "attempts": attempts,
                        "next_attempt": fields.Datetime.now()
                        + timedelta(minutes=2**attempts),
                        "error_code": exc.code or 0,
                        "error_reason": account._error_text(exc),
                    }
                )
            else:
                self._fail(exc.code, account._error_text(exc), attempts)
            return False
        now = fields.Datetime.now()
        self.write(
            {
                "state": "sent",
                "meta_id": meta_id,
                "attempts": self.attempts + 1,
                "sent_date": now,
                "status_date": now,
                "error_code": 0,
                "error_reason": False,
            }
        )
        self._log_on_record(self.env._("WhatsApp sent to %(phone)s", phone=self.phone))
        return True

    def _template_components(self):
        self.ensure_one()
        values = self.variables or []
        if not values:
            return []
        named = any(not v.get("name", "").isdigit() for v in values)
        parameters = []
        for value in values:
            parameter = {"type": "text", "text": value["value"]}
            if named:
                parameter["parameter_name"] = value["name"]
            parameters.append(parameter)
        return [{"type": "body", "parameters": parameters}]

    def _fail(self, code, reason, attempts=None):
        self.ensure_one()
        self.write(
            {
                "state": "failed",
                "error_code": code or 0,
                "error_reason": reason,
                "attempts": attempts if attempts is not None else self.attempts,
                "status_date": fields.Datetime.now(),
            }
        )
        self._log_on_record(
            self.env._(
                "WhatsApp to %(phone)s failed: %(reason)s",
                phone=self.phone,
                reason=reason,
            )
        )

    def _log_on_record(self, text):
        """A note on the document's chatter (or the customer's)."""
        self.ensure_one()
        record = False
        if self.model and self.res_id and self.model in self.env:
            record = self.env[self.model].browse(self.res_id).exists()
        if not record or not hasattr(record, "message_post"):
            record = self.partner_id
        if record:
            body = text
            if self.body and self.state == "sent":
                body = f"{text}: {self.body}"
            record.sudo().message_post(
                body=body, message_type="comment", subtype_xmlid="mail.mt_note"
            )

    # ------------------------------------------------------------- statuses

    def _apply_status(self, event):
        """A status from the webhook: only forward (statuses may arrive out
        of order or be skipped); a failure with Meta's code and reason."""
        self.ensure_one()
        if not is_newer(self.state, event.status):
            return False
        if event.status == "failed":
            error = event.errors[0] if event.errors else None
            code = error.code if error else 0
            reason = error_reason(code, error.title if error else "") if error else ""
            self._fail(code, reason)
            partner = self.partner_id
            if partner and code == 131050:
                # The customer stopped marketing messages in WhatsApp.
                partner.sudo()._oto_set_consent(
                    ["whatsapp"],
                    False,
                    "whatsapp_api",
                    self.env._("WhatsApp: the customer stopped marketing messages"),
                )
            elif partner and code == 131026:
                partner.sudo().write({"oto_whatsapp_unavailable": True})
            return True
        when = (
            datetime.fromtimestamp(event.timestamp, tz=UTC).replace(tzinfo=None)
            if event.timestamp
            else fields.Datetime.now()
        )
        self.write({"state": event.status, "status_date": when})
        return True
