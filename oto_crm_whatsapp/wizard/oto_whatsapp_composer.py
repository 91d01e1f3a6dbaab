# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, RedirectWarning, UserError

from odoo.addons.oto_crm.tools.phone import PhoneError, normalize_phone

from ..models.oto_whatsapp_template import VARIABLE_RE


class OtoWhatsappComposer(models.TransientModel):
    """Send WhatsApp to one record or many: a preview of each message, and
    who is skipped and why (opted out, invalid or not on WhatsApp, a
    variable without value, outside the service window without a
    template)."""

    _name = "oto.whatsapp.composer"
    _description = "WhatsApp composer"

    res_model = fields.Char(string="Model", required=True)
    res_ids = fields.Json(string="Records", required=True)
    account_id = fields.Many2one(
        "oto.whatsapp.account",
        required=True,
        domain="[('state', '!=', 'paused')]",
        default=lambda self: self.env["oto.whatsapp.account"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        ),
    )
    mode = fields.Selection(
        [("template", "Approved template"), ("text", "Free text (service window)")],
        default="template",
        required=True,
    )
    template_id = fields.Many2one(
        "oto.whatsapp.template",
        domain="[('account_id', '=', account_id), ('status', '=', 'approved'), "
        "('model', '=', res_model)]",
    )
    body = fields.Text(string="Message")
    record_count = fields.Integer(compute="_compute_preview")
    send_count = fields.Integer(compute="_compute_preview")
    skip_count = fields.Integer(compute="_compute_preview")
    skip_summary = fields.Char(compute="_compute_preview")
    preview = fields.Html(compute="_compute_preview", sanitize=False)

    @api.model_create_multi
    def create(self, vals_list):
        composers = super().create(vals_list)
        composers._check_target()
        return composers

    def write(self, vals):
        result = super().write(vals)
        if {"res_model", "res_ids"} & set(vals):
            self._check_target()
        return result

    def _check_target(self):
        """A person sends only about records of a model that WhatsApp
        templates apply to (customers always), and only records they read:
        the composer is not a way to message whoever a model holds."""
        if self.env.su:
            return
        Template = self.env["oto.whatsapp.template"].sudo()
        for composer in self:
            model = composer.res_model
            allowed = (
                model in self.env
                and not self.env[model]._transient
                and (
                    model == "res.partner"
                    or Template.search_count([("model", "=", model)], limit=1)
                )
            )
            if not allowed:
                raise AccessError(
                    self.env._(
                        "WhatsApp messages are not sent about %(model)s records.",
                        model=model,
                    )
                )
            if not isinstance(composer.res_ids, list) or not all(
                isinstance(res_id, int) for res_id in composer.res_ids
            ):
                raise UserError(self.env._("Select the records to send WhatsApp to."))
            composer._records()

    @api.model
    def _action_open(self, template_id, records):
        """The composer on ``records`` (Actions menu, "Allow multi")."""
        template = self.env["oto.whatsapp.template"].browse(template_id)
        return self._open(records, template)

    @api.model
    def _open(self, records, template=None):
        if not records:
            raise UserError(self.env._("Select the records to send WhatsApp to."))
        templates = self.env["oto.whatsapp.template"].search(
            [("model", "=", records._name), ("status", "=", "approved")]
        )
        if not templates and not template:
            raise RedirectWarning(
                self.env._(
                    "No approved WhatsApp template applies to %(model)s: create "
                    "one (Applies to: %(model)s) and submit it for approval.",
                    model=self.env["ir.model"]._get(records._name).name,
                ),
                self.env.ref("oto_crm_whatsapp.oto_whatsapp_template_action").id,
                self.env._("Configure templates"),
            )
        composer = self.create(
            {
                "res_model": records._name,
                "res_ids": records.ids,
                "template_id": (template or templates[:1]).id,
                "account_id": (template or templates[:1]).account_id.id,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send WhatsApp"),
            "res_model": self._name,
            "res_id": composer.id,
            "view_mode": "form",
            "target": "new",
        }

    # -------------------------------------------------------------- plan

    def _records(self):
        records = self.env[self.res_model].browse(self.res_ids or []).exists()
        records.check_access("read")
        return records

    @api.model
    def _partner_of(self, record):
        if record._name == "res.partner":
            return record
        if "partner_id" in record._fields:
            return record.partner_id
        return self.env["res.partner"]

    def _phone_of(self, record):
        if self.mode == "template" and self.template_id:
            value = record
            for part in self.template_id.phone_field.split("."):
                value = value[part] if value else False
            return value or ""
        partner = self._partner_of(record)
        return partner.mobile or partner.phone or ""

    def _purpose(self):
        """A utility or authentication template answers what the customer
        asked for; anything else is marketing."""
        if self.mode == "template" and self.template_id.category in (
            "utility",
            "authentication",
        ):
            return "transactional"
        return "marketing"

    def _customers(self, records, phones):
        """``{record: customer}``: the record's, else the company's customer
        of that number (the consent gate needs one to ask about)."""
        Partner = self.env["res.partner"]
        company = self.account_id.company_id or self.env.company
        customers = {}
        for record in records:
            partner = self._partner_of(record)
            if not partner and phones.get(record):
                partner = Partner._oto_find_customer(company, phone=phones[record])
            customers[record] = partner
        return customers

    def _plan_context(self, records):
        """What planning ``records`` needs, asked once for all of them: their
        phones, customers, the consent gate's refusals, the service window."""
        phones = {}
        for record in records:
            try:
                phones[record] = normalize_phone(self._phone_of(record))
            except PhoneError:
                phones[record] = None
        customers = self._customers(records, phones)
        partners = self.env["res.partner"].union(*customers.values())
        gate = self.env["oto.consent.gate"]
        codes = gate._refusal_codes(partners, "whatsapp", self._purpose())
        window = set()
        if self.mode == "text" and self.account_id:
            window = partners._oto_whatsapp_window_open_ids(self.account_id)
        return {
            "phones": phones,
            "customers": customers,
            "codes": codes,
            "window": window,
        }

    def _plan_one(self, record, context=None):
        """(values of the message to queue, or None) and the reason to skip."""
        context = context or self._plan_context(record)
        phone = context["phones"].get(record)
        if not phone:
            return None, self.env._("no valid phone number")
        partner = context["customers"][record]
        code = context["codes"].get(partner.id)
        # The message goes to the record's number: the customer's own is
        # not needed.
        if code and code != "no_phone":
            return None, self.env["oto.consent.gate"]._reason(code, "whatsapp")
        values = {
            "account_id": self.account_id.id,
            "partner_id": partner.id,
            "phone": phone,
            "model": record._name,
            "res_id": record.id,
            "purpose": self._purpose(),
        }
        if self.mode == "text":
            if not (self.body or "").strip():
                return None, self.env._("no message written")
            if not partner or partner.id not in context["window"]:
                return None, self.env._(
                    "outside the service window: an approved template is needed"
                )
            values["body"] = self.body.strip()
            return values, None
        template = self.template_id
        if not template or template.status != "approved":
            return None, self.env._("no approved template chosen")
        variables = []
        for variable in template.variable_ids.sorted("sequence"):
            value = variable._value(record)
            if not value:
                return None, self.env._(
                    "{{%(name)s}} has no value (%(field)s)",
                    name=variable.name,
                    field=variable.field_path,
                )
            variables.append({"name": variable.name, "value": value})
        text = template.body
        by_name = {v["name"]: v["value"] for v in variables}
        text = VARIABLE_RE.sub(lambda m: by_name.get(m.group(1), m.group(0)), text)
        values.update(
            {"template_id": template.id, "body": text, "variables": variables}
        )
        return values, None

    def _plan(self):
        self.ensure_one()
        records = self._records()
        context = self._plan_context(records)
        return [(record, *self._plan_one(record, context)) for record in records]

    @api.depends("res_ids", "mode", "template_id", "body", "account_id")
    def _compute_preview(self):
        for composer in self:
            plan = composer._plan() if composer.res_model else []
            sending = [p for p in plan if p[1]]
            skipped = [p for p in plan if not p[1]]
            reasons = {}
            for _record, _values, reason in skipped:
                reasons[reason] = reasons.get(reason, 0) + 1
            composer.record_count = len(plan)
            composer.send_count = len(sending)
            composer.skip_count = len(skipped)
            composer.skip_summary = "; ".join(
                f"{count} {reason}" for reason, count in reasons.items()
            )
            rows = Markup("").join(
                Markup("<tr><td>%s</td><td>%s</td><td class='%s'>%s</td></tr>")
                % (
                    record.display_name,
                    values["phone"] if values else "",
                    "" if values else "text-danger",
                    values["body"] if values else reason,
                )
                for record, values, reason in plan[:50]
            )
            composer.preview = Markup(
                "<table class='table table-sm o_oto_whatsapp_preview'><tbody>%s"
                "</tbody></table>"
            ) % rows + (
                Markup("<p class='text-muted'>%s</p>")
                % escape(self.env._("... and %(count)s more.", count=len(plan) - 50))
                if len(plan) > 50
                else ""
            )

    def action_send(self):
        self.ensure_one()
        if self.account_id.state == "paused":
            raise UserError(
                self.env._(
                    "Sending is paused on %(account)s: %(error)s",
                    account=self.account_id.name,
                    error=self.account_id.last_error or "",
                )
            )
        plan = self._plan()
        to_queue = [values for _record, values, _reason in plan if values]
        if not to_queue:
            raise UserError(
                self.env._(
                    "Nothing to send: %(reasons)s",
                    reasons=self.skip_summary or self.env._("no record"),
                )
            )
        # Queued as the superuser, once the plan above (the records read with
        # the user's rights, consent, window and template checked) allows it:
        # nobody queues a message directly.
        self.env["oto.whatsapp.message"].sudo().create(to_queue)
        self.env.ref("oto_crm_whatsapp.ir_cron_oto_whatsapp_send")._trigger()
        message = self.env._("%(count)s WhatsApp messages queued.", count=len(to_queue))
        if self.skip_count:
            message += " " + self.env._(
                "Skipped: %(summary)s.", summary=self.skip_summary
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if not self.skip_count else "warning",
                "title": self.env._("WhatsApp"),
                "message": message,
                "sticky": bool(self.skip_count),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
