# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import re
import time

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.cloud_api import CloudApiError

_logger = logging.getLogger(__name__)

VARIABLE_RE = re.compile(r"{{\s*([a-z0-9_]+)\s*}}")
# What changes the template's content: Meta must approve it again.
CONTENT_FIELDS = {
    "name",
    "language",
    "category",
    "header_text",
    "body",
    "footer",
    "button_ids",
    "variable_ids",
}
META_STATUS = {
    "APPROVED": "approved",
    "PENDING": "pending",
    "IN_APPEAL": "pending",
    "REJECTED": "rejected",
    "PAUSED": "paused",
    "DISABLED": "disabled",
    "PENDING_DELETION": "disabled",
    "DELETED": "disabled",
    "FLAGGED": "paused",
    "REINSTATED": "approved",
}
META_QUALITY = {
    "GREEN": "green",
    "HIGH": "green",
    "YELLOW": "yellow",
    "MEDIUM": "yellow",
    "RED": "red",
    "LOW": "red",
}


class OtoWhatsappTemplate(models.Model):
    """A message template of the WhatsApp Business account: Meta approves
    it before it may start a conversation (outside the 24-hour window)."""

    _name = "oto.whatsapp.template"
    _description = "WhatsApp template"
    _inherit = ["mail.thread"]
    _order = "name, language"

    name = fields.Char(
        required=True,
        tracking=True,
        help="Meta's name: lower-case letters, digits and underscores.",
    )
    account_id = fields.Many2one(
        "oto.whatsapp.account", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    language = fields.Selection(
        [
            ("pt_BR", "Portuguese (Brazil)"),
            ("en_US", "English (US)"),
            ("es", "Spanish"),
        ],
        required=True,
        default="pt_BR",
    )
    category = fields.Selection(
        [
            ("marketing", "Marketing"),
            ("utility", "Utility"),
            ("authentication", "Authentication"),
        ],
        required=True,
        default="marketing",
        tracking=True,
    )
    model_id = fields.Many2one(
        "ir.model",
        string="Applies to",
        required=True,
        ondelete="cascade",
        default=lambda self: self.env.ref("base.model_res_partner"),
        domain=[("transient", "=", False)],
    )
    model = fields.Char(related="model_id.model", store=True)
    phone_field = fields.Char(
        required=True,
        default="mobile",
        help="The field of the record with the customer's phone, e.g. mobile "
        "or partner_id.mobile.",
    )
    header_text = fields.Char(string="Header")
    body = fields.Text(
        required=True,
        help="The message. Variables: {{1}}, {{2}}... (positional) or "
        "{{first_name}} (named), each mapped to a field below.",
    )
    footer = fields.Char()
    variable_ids = fields.One2many(
        "oto.whatsapp.template.variable", "template_id", string="Variables", copy=True
    )
    button_ids = fields.One2many(
        "oto.whatsapp.template.button", "template_id", string="Buttons", copy=True
    )
    status = fields.Selection(
        [
            ("draft", "Draft"),
            ("pending", "Pending approval"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("paused", "Paused"),
            ("disabled", "Disabled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        readonly=True,
    )
    quality = fields.Selection(
        [
            ("unknown", "Unknown"),
            ("green", "High"),
            ("yellow", "Medium"),
            ("red", "Low"),
        ],
        default="unknown",
        readonly=True,
        copy=False,
        tracking=True,
    )
    meta_id = fields.Char(string="Meta template ID", readonly=True, copy=False)
    rejection_reason = fields.Char(readonly=True, copy=False)
    meta_status_time = fields.Integer(
        readonly=True,
        copy=False,
        help="When Meta issued the status applied last (seconds since 1970): an "
        "older or replayed event changes nothing.",
    )
    meta_quality_time = fields.Integer(readonly=True, copy=False)
    allow_multi = fields.Boolean(
        string="Allow multi",
        help="Adds 'Send WhatsApp: <template>' to the Actions menu of the "
        "model's list, to send it to many selected records.",
    )
    action_id = fields.Many2one(
        "ir.actions.server", readonly=True, copy=False, ondelete="set null"
    )

    _sql_constraints = [
        (
            "name_language_uniq",
            "unique(account_id, name, language)",
            "A template with this name and language already exists in this account.",
        )
    ]

    # ------------------------------------------------------------ checks

    @api.constrains("name")
    def _check_name(self):
        for template in self:
            if not re.fullmatch(r"[a-z0-9_]{1,512}", template.name or ""):
                raise ValidationError(
                    self.env._(
                        "'%(name)s' is not a valid template name: use lower-case "
                        "letters, digits and underscores only.",
                        name=template.name,
                    )
                )

    @api.constrains("body", "variable_ids")
    def _check_variables(self):
        for template in self:
            used = VARIABLE_RE.findall(template.body or "")
            mapped = set(template.variable_ids.mapped("name"))
            missing = [name for name in used if name not in mapped]
            if missing:
                raise ValidationError(
                    self.env._(
                        "Map every variable of the message to a field: %(names)s.",
                        names=", ".join(f"{{{{{n}}}}}" for n in missing),
                    )
                )
            positional = [n for n in used if n.isdigit()]
            if positional and len(positional) != len(used):
                raise ValidationError(
                    self.env._(
                        "Use either positional ({{1}}) or named ({{first_name}}) "
                        "variables, not both."
                    )
                )
            if positional and sorted(set(int(n) for n in positional)) != list(
                range(1, len(set(positional)) + 1)
            ):
                raise ValidationError(
                    self.env._("Positional variables are numbered 1, 2, 3... in order.")
                )

    @api.constrains("phone_field", "model_id")
    def _check_phone_field(self):
        for template in self:
            try:
                template._field_chain(template.phone_field)
            except UserError as exc:
                raise ValidationError(exc.args[0]) from exc

    def _field_chain(self, path):
        """Check ``path`` (``partner_id.mobile``) on the template's model."""
        self.ensure_one()
        # The model's technical name (ir.model is for Settings admins only).
        applies_to = self.model_id.sudo()
        model = self.env[applies_to.model]
        for part in (path or "").split("."):
            field = model._fields.get(part)
            if not field:
                raise UserError(
                    self.env._(
                        "%(model)s has no field '%(field)s' (in '%(path)s').",
                        model=applies_to.name,
                        field=part,
                        path=path,
                    )
                )
            if field.relational:
                model = self.env[field.comodel_name]
        return True

    # ----------------------------------------------------------- lifecycle

    def write(self, vals):
        content = CONTENT_FIELDS & set(vals)
        back_to_draft = self.browse()
        if content and not self.env.context.get("oto_whatsapp_sync"):
            back_to_draft = self.filtered(lambda t: t.status != "draft")
        result = super().write(vals)
        if back_to_draft:
            # As Meta does: a changed template is approved again before use.
            super(OtoWhatsappTemplate, back_to_draft).write(
                {"status": "draft", "rejection_reason": False}
            )
            for template in back_to_draft:
                template.message_post(
                    body=self.env._(
                        "The content changed: the template is back to draft and "
                        "must be submitted for approval again."
                    )
                )
        if "allow_multi" in vals or "name" in vals or "model_id" in vals:
            self._sync_action()
        return result

    @api.model_create_multi
    def create(self, vals_list):
        templates = super().create(vals_list)
        templates._sync_action()
        return templates

    def unlink(self):
        # Its "Allow multi" action (server actions are for Settings admins).
        self.action_id.sudo().unlink()
        return super().unlink()

    def _sync_action(self):
        """The server action of "Allow multi" on the model's list view."""
        for template in self:
            if template.allow_multi:
                values = {
                    "name": self.env._(
                        "Send WhatsApp: %(template)s", template=template.name
                    ),
                    "model_id": template.model_id.id,
                    "binding_model_id": template.model_id.id,
                    "binding_view_types": "list,form",
                    "state": "code",
                    "code": (
                        "action = env['oto.whatsapp.composer']"
                        f"._action_open({template.id}, records)"
                    ),
                    "groups_id": [
                        Command.set(self.env.ref("oto_crm.oto_crm_group_manager").ids)
                    ],
                }
                if template.action_id:
                    template.action_id.sudo().write(values)
                else:
                    template.action_id = (
                        self.env["ir.actions.server"].sudo().create(values)
                    )
            elif template.action_id:
                template.action_id.sudo().unlink()

    def _meta_components(self):
        self.ensure_one()
        components = []
        if self.header_text:
            components.append(
                {"type": "HEADER", "format": "TEXT", "text": self.header_text}
            )
        body = {"type": "BODY", "text": self.body}
        samples = [v.sample or v.name for v in self.variable_ids.sorted("sequence")]
        if samples:
            if any(not n.isdigit() for n in self.variable_ids.mapped("name")):
                body["example"] = {
                    "body_text_named_params": [
                        {"param_name": v.name, "example": v.sample or v.name}
                        for v in self.variable_ids.sorted("sequence")
                    ]
                }
            else:
                body["example"] = {"body_text": [samples]}
        components.append(body)
        if self.footer:
            components.append({"type": "FOOTER", "text": self.footer})
        if self.button_ids:
            components.append(
                {
                    "type": "BUTTONS",
                    "buttons": [b._meta_button() for b in self.button_ids],
                }
            )
        return components

    def action_submit(self):
        """Send the template to Meta for approval."""
        for template in self:
            if template.status not in ("draft", "rejected"):
                raise UserError(
                    self.env._(
                        "%(name)s is %(status)s: only a draft or rejected template "
                        "is submitted.",
                        name=template.name,
                        status=dict(
                            self._fields["status"]._description_selection(self.env)
                        )[template.status],
                    )
                )
            account = template.account_id
            try:
                answer = account._client().create_template(
                    account.business_account_id,
                    template.name,
                    template.language,
                    template.category.upper(),
                    template._meta_components(),
                )
            except CloudApiError as exc:
                account._record_api_error(exc)
                raise UserError(
                    self.env._(
                        "Meta refused the template %(name)s: %(reason)s",
                        name=template.name,
                        reason=account._error_text(exc),
                    )
                ) from exc
            template.with_context(oto_whatsapp_sync=True).write(
                {
                    "meta_id": answer.get("id"),
                    "status": META_STATUS.get(answer.get("status"), "pending"),
                    "rejection_reason": False,
                    # A new review: whatever Meta says next applies.
                    "meta_status_time": 0,
                }
            )
        return True

    def action_sync(self):
        """Read the status and quality from Meta (the webhook also brings
        them)."""
        for account in self.account_id:
            templates = self.filtered(lambda t, a=account: t.account_id == a)
            try:
                remote = account._client().list_templates(account.business_account_id)
            except CloudApiError as exc:
                account._record_api_error(exc)
                raise UserError(account._error_text(exc)) from exc
            by_key = {(r.get("name"), r.get("language")): r for r in remote}
            # What Meta lists now outranks any event issued before.
            now = int(time.time())
            for template in templates:
                found = by_key.get((template.name, template.language))
                if found:
                    template._apply_meta(
                        found.get("status"),
                        quality=(found.get("quality_score") or {}).get("score"),
                        reason=found.get("rejected_reason"),
                        meta_id=found.get("id"),
                        time=now,
                    )
        return True

    def _apply_meta(
        self, status=None, quality=None, reason=None, meta_id=None, time=None
    ):
        """What Meta says of the template, issued at ``time`` (seconds): in
        the order Meta issued it, so an older or replayed event changes
        nothing. Returns whether the template changed."""
        self.ensure_one()
        values = {}
        if status and META_STATUS.get(status.upper()):
            if not time or time > (self.meta_status_time or 0):
                values["status"] = META_STATUS[status.upper()]
                values["rejection_reason"] = (
                    reason if reason and reason.upper() != "NONE" else False
                )
                if time:
                    values["meta_status_time"] = time
        if quality and META_QUALITY.get(quality.upper()):
            if not time or time > (self.meta_quality_time or 0):
                values["quality"] = META_QUALITY[quality.upper()]
                if time:
                    values["meta_quality_time"] = time
        if meta_id and meta_id != self.meta_id:
            values["meta_id"] = meta_id
        values = {k: v for k, v in values.items() if self[k] != v}
        if values:
            self.with_context(oto_whatsapp_sync=True).write(values)
        return bool(values)


class OtoWhatsappTemplateVariable(models.Model):
    _name = "oto.whatsapp.template.variable"
    _description = "WhatsApp template variable"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one(
        "oto.whatsapp.template", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(
        required=True, help="1, 2, 3... (positional) or a name (first_name)."
    )
    field_path = fields.Char(
        string="Field",
        required=True,
        help="The record's field that gives the value, e.g. partner_id.name.",
    )
    first_word = fields.Boolean(
        string="First word only", help="e.g. the first name out of the full name."
    )
    sample = fields.Char(help="An example Meta sees when it reviews the template.")

    @api.constrains("name", "field_path")
    def _check_variable(self):
        for variable in self:
            if not re.fullmatch(r"[a-z0-9_]+", variable.name or ""):
                raise ValidationError(
                    self.env._(
                        "'%(name)s' is not a variable name: lower-case letters, "
                        "digits and underscores.",
                        name=variable.name,
                    )
                )
            try:
                variable.template_id._field_chain(variable.field_path)
            except UserError as exc:
                raise ValidationError(exc.args[0]) from exc

    def _value(self, record):
        """The variable's value for ``record`` ('' when a link is empty)."""
        value = record
        for part in self.field_path.split("."):
            value = value[part] if value else False
        if isinstance(value, models.BaseModel):
            value = value.display_name
        if value is False or value is None:
            return ""
        text = str(value).strip()
        if self.first_word and text:
            text = text.split()[0]
        return text


class OtoWhatsappTemplateButton(models.Model):
    _name = "oto.whatsapp.template.button"
    _description = "WhatsApp template button"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one(
        "oto.whatsapp.template", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    kind = fields.Selection(
        [("quick_reply", "Quick reply"), ("url", "Website"), ("phone", "Phone")],
        required=True,
        default="quick_reply",
    )
    text = fields.Char(required=True)
    url = fields.Char()
    phone = fields.Char()

    @api.constrains("kind", "url", "phone", "text")
    def _check_button(self):
        for button in self:
            if len(button.text or "") > 25:
                raise ValidationError(
                    self.env._("A button's text has at most 25 characters.")
                )
            if button.kind == "url" and not re.match(r"https?://", button.url or ""):
                raise ValidationError(
                    self.env._("A website button needs an http(s) address.")
                )
            if button.kind == "phone" and not button.phone:
                raise ValidationError(self.env._("A phone button needs a number."))

    def _meta_button(self):
        self.ensure_one()
        if self.kind == "url":
            return {"type": "URL", "text": self.text, "url": self.url}
        if self.kind == "phone":
            return {
                "type": "PHONE_NUMBER",
                "text": self.text,
                "phone_number": self.phone,
            }
        return {"type": "QUICK_REPLY", "text": self.text}
