# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import logging
import uuid
from datetime import UTC, datetime

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.cloud_api import error_reason
from ..tools.webhook import cap_text, is_newer

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# WhatsApp's own limit for a text: what the record keeps in full.
MAX_BODY = 4096
# What the chatter shows of a customer's text; the whole text is attached.
MAX_CHATTER_TEXT = 1500

STATES = [
    ("queued", "Queued"),
    ("sending", "Being sent"),
    ("sent", "Sent"),
    ("delivered", "Delivered"),
    ("read", "Read"),
    ("failed", "Failed"),
    ("unknown", "Unknown: check before resending"),
    ("received", "Received"),
    ("cancelled", "Cancelled"),
]


def _new_callback_ref():
    return f"oto-{uuid.uuid4().hex}"


class OtoWhatsappMessage(models.Model):
    """One WhatsApp message, sent or received, with its status.

    An outgoing message is a small state machine (see ``oto.whatsapp.queue``):
    queued -> sending (committed before the call to Meta) -> sent, delivered,
    read or failed; a message left "sending" by a worker that died is
    "unknown" until Meta's status callback (matched by the message's own
    ``callback_ref``, sent as ``biz_opaque_callback_data``) tells what became
    of it, or a manager decides."""

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
    purpose = fields.Selection(
        [("marketing", "Marketing"), ("transactional", "Transactional")],
        default="marketing",
        required=True,
        help="Asked to the consent gate again just before sending: a receipt "
        "(transactional) or anything else (marketing).",
    )
    template_id = fields.Many2one("oto.whatsapp.template", ondelete="set null")
    partner_id = fields.Many2one("res.partner", string="Customer", index=True)
    model = fields.Char(string="Document model")
    res_id = fields.Many2oneReference(string="Document", model_field="model")
    phone = fields.Char(help="E.164; empty for a sender known only by username.")
    body = fields.Text()
    variables = fields.Json(help="The template's parameters, in order.")
    state = fields.Selection(STATES, default="queued", required=True, index=True)
    meta_id = fields.Char(string="Meta message ID", readonly=True, copy=False)
    callback_ref = fields.Char(
        string="Callback reference",
        readonly=True,
        copy=False,
        default=lambda self: _new_callback_ref(),
        help="Sent to Meta with the message (biz_opaque_callback_data) and "
        "returned in its statuses: it matches a message whose answer was lost.",
    )
    error_code = fields.Integer(readonly=True)
    error_reason = fields.Char(readonly=True)
    attempts = fields.Integer(readonly=True)
    next_attempt = fields.Datetime(default=fields.Datetime.now, index=True)
    sending_date = fields.Datetime(readonly=True)
    sent_date = fields.Datetime(readonly=True)
    status_date = fields.Datetime(readonly=True)
    # What a customer's message carried besides its text.
    kind = fields.Char(readonly=True, help="text, image, reaction, system...")
    context_meta_id = fields.Char(
        string="In reply to", readonly=True, help="Meta ID of the message answered."
    )
    sender_user_id = fields.Char(
        string="Business-scoped user ID",
        readonly=True,
        help="Meta's ID of the sender for this business (BR.1502...).",
    )
    sender_username = fields.Char(string="Username", readonly=True)
    ctwa_clid = fields.Char(
        string="Ad click ID",
        readonly=True,
        index="btree_not_null",
        help="The click-to-WhatsApp ad the conversation came from (ctwa_clid).",
    )
    referral = fields.Json(readonly=True, help="The ad the customer came from.")
    flow_response = fields.Json(string="Flow answers", readonly=True)
    media = fields.Json(readonly=True)

    _sql_constraints = [
        (
            "meta_id_uniq",
            "unique(account_id, meta_id)",
            "This WhatsApp message is already known.",
        ),
        (
            "callback_ref_uniq",
            "unique(callback_ref)",
            "This WhatsApp callback reference is already used.",
        ),
    ]

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS oto_whatsapp_message_queue_idx "
            "ON oto_whatsapp_message (account_id, next_attempt) "
            "WHERE state = 'queued'"
        )
        # The service window: the customer's last message on an account.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS oto_whatsapp_message_window_idx "
            "ON oto_whatsapp_message (account_id, partner_id, status_date) "
            "WHERE direction = 'in'"
        )

    # ------------------------------------------------------------ the queue

    @api.model
    def _cron_send_queue(self, time_budget=None):
        """Send what is due, every account at its rate (see
        ``oto.whatsapp.queue``); returns the number of messages sent."""
        return self.env["oto.whatsapp.queue"]._run(time_budget=time_budget)

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

    def _check_sendable(self):
        """Why this message cannot be sent as it is (an empty text, a
        template no longer approved, a variable without value), or ``""``."""
        self.ensure_one()
        template = self.template_id
        if not template:
            if not (self.body or "").strip():
                return self.env._("The message has no text.")
            return ""
        if template.status != "approved":
            return self.env._(
                "The template %(name)s is not approved at Meta (%(status)s).",
                name=template.name,
                status=dict(
                    template._fields["status"]._description_selection(self.env)
                )[template.status],
            )
        given = {v.get("name"): v.get("value") for v in self.variables or []}
        for variable in template.variable_ids.sorted("sequence"):
            if not (given.get(variable.name) or "").strip():
                return self.env._(
                    "The template's variable {{%(name)s}} has no value.",
                    name=variable.name,
                )
        return ""

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

    def _record_of(self):
        """The document's record with a chatter, else the customer."""
        self.ensure_one()
        record = False
        if self.model and self.res_id and self.model in self.env:
            record = self.env[self.model].browse(self.res_id).exists()
        if not record or not hasattr(record, "_message_log"):
            record = self.partner_id
        return record

    def _note_of(self, text, sent=None):
        """``(record, body)`` of a note about this message: on the document's
        chatter (or the customer's), with the text when it was ``sent``
        (default: when its state says so)."""
        self.ensure_one()
        record = self._record_of()
        body = text
        sent = self.state == "sent" if sent is None else sent
        if self.body and sent:
            shown, _cut = cap_text(self.body, MAX_CHATTER_TEXT)
            body = f"{text}: {shown}"
        return record, body

    def _log_on_record(self, text):
        """A note on the document's chatter (or the customer's), without
        notifying anyone."""
        record, body = self._note_of(text)
        if record:
            record.sudo()._message_log(body=body)

    @api.model
    def _log_notes(self, notes):
        """Notes ``[(model, record id, body)]`` logged in batches (one per
        model and round: a record noted twice waits for the next round)."""
        while notes:
            batches, rest = {}, []
            for model, res_id, body in notes:
                bodies = batches.setdefault(model, {})
                if res_id in bodies:
                    rest.append((model, res_id, body))
                else:
                    bodies[res_id] = body
            for model, bodies in batches.items():
                records = self.env[model].sudo().browse(list(bodies)).exists()
                if records:
                    records._message_log_batch(
                        bodies={r: bodies[r] for r in records.ids}
                    )
            notes = rest

    # ------------------------------------------------------------- statuses

    def _apply_status(self, event):
        """A status from the webhook: only forward (statuses may arrive out
        of order or be skipped); a failure with Meta's code and reason. A
        message whose fate was unknown learns it here."""
        self.ensure_one()
        if not is_newer(self.state, event.status):
            return False
        was_unknown = self.state in ("unknown", "sending")
        when = (
            datetime.fromtimestamp(event.timestamp, tz=UTC).replace(tzinfo=None)
            if event.timestamp
            else fields.Datetime.now()
        )
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
        values = {"state": event.status, "status_date": when}
        if not self.sent_date:
            values["sent_date"] = when
        self.write(values)
        if was_unknown:
            self._log_on_record(
                self.env._(
                    "Meta confirmed the WhatsApp to %(phone)s whose fate was unknown.",
                    phone=self.phone,
                )
            )
        return True

    def _apply_pending_statuses(self):
        """The statuses that came before the message was known, in the order
        Meta issued them."""
        events = (
            self.env["oto.whatsapp.event"]
            .sudo()
            .search(
                [
                    ("meta_message_id", "in", [m for m in self.mapped("meta_id") if m]),
                    ("state", "=", "pending"),
                ],
                order="event_time, id",
            )
        )
        for event in events:
            event._apply_again()

    # -------------------------------------------------------- customer text

    def _attach_full_text(self, text):
        """The whole of a long text, attached to the message."""
        self.ensure_one()
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"whatsapp-{self.meta_id or self.id}.txt",
                    "res_model": self._name,
                    "res_id": self.id,
                    "mimetype": "text/plain",
                    "datas": base64.b64encode(text.encode()),
                }
            )
        )

    # -------------------------------------------------------------- actions

    def _check_manager(self):
        if not self.env.user.has_group("oto_crm.oto_crm_group_manager"):
            raise UserError(
                self.env._("Only a store manager decides on a WhatsApp message.")
            )

    def action_resend(self):
        """A manager checked that a message of unknown fate did not reach the
        customer: queue it again (with a new callback reference)."""
        self._check_manager()
        for message in self:
            if message.state != "unknown":
                raise UserError(
                    self.env._(
                        "Only a message whose fate is unknown is sent again by "
                        "hand; this one is %(state)s.",
                        state=dict(STATES)[message.state],
                    )
                )
        self.sudo().write(
            {
                "state": "queued",
                "next_attempt": fields.Datetime.now(),
                "callback_ref": False,
                "error_reason": False,
            }
        )
        for message in self.sudo():
            message.callback_ref = _new_callback_ref()
            message._log_on_record(
                self.env._(
                    "WhatsApp to %(phone)s queued again by %(user)s after checking "
                    "it was not received.",
                    phone=message.phone,
                    user=self.env.user.name,
                )
            )
        self.env.ref("oto_crm_whatsapp.ir_cron_oto_whatsapp_send")._trigger()
        return True

    def action_mark_not_sent(self):
        """A manager gives up a message of unknown fate."""
        self._check_manager()
        for message in self.sudo():
            if message.state != "unknown":
                continue
            message._fail(
                0,
                self.env._(
                    "Marked not sent by %(user)s (fate unknown).",
                    user=self.env.user.name,
                ),
            )
        return True
