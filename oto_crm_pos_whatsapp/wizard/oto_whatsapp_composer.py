# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import RedirectWarning, UserError

# Marketing from the Point of Sale's orders, as Odoo's WhatsApp does it at the
# counter: approved templates of the marketing category that apply to POS
# orders; to several orders at once (Actions > WhatsApp message), only those
# that allow sending to many ("Allow multi").
POS_MARKETING = [("category", "=", "marketing")]


class OtoWhatsappComposer(models.TransientModel):
    _inherit = "oto.whatsapp.composer"

    template_id = fields.Many2one(
        domain="[('account_id', '=', account_id), ('status', '=', 'approved'), "
        "('model', '=', res_model), '|', ('model', '!=', 'pos.order'), "
        "('category', '=', 'marketing')]",
    )

    def _phone_of(self, record):
        # A receipt goes to the number typed at the counter.
        return self.env.context.get("oto_whatsapp_phone") or super()._phone_of(record)

    @api.model
    def _pos_marketing_templates(self, many):
        return self.env["oto.whatsapp.template"].search(
            [
                ("model", "=", "pos.order"),
                ("status", "=", "approved"),
                *POS_MARKETING,
                *([("allow_multi", "=", True)] if many else []),
            ]
        )

    @api.model
    def _open(self, records, template=None):
        if records._name != "pos.order":
            return super()._open(records, template)
        allowed = self._pos_marketing_templates(len(records) > 1)
        if template and template not in allowed:
            raise UserError(self._pos_marketing_rule())
        if not allowed:
            raise RedirectWarning(
                self._pos_marketing_rule(),
                self.env.ref("oto_crm_whatsapp.oto_whatsapp_template_action").id,
                self.env._("Configure templates"),
            )
        return super()._open(records, template or allowed[:1])

    def _pos_marketing_rule(self):
        return self.env._(
            "WhatsApp marketing from Point of Sale orders uses approved templates "
            "of the Marketing category that apply to Point of Sale orders; to "
            'several orders at once, with "Allow multi" on.'
        )

    def action_send(self):
        for composer in self:
            if composer.res_model == "pos.order" and (
                composer.mode != "template"
                or composer.template_id
                not in self._pos_marketing_templates(len(composer.res_ids or []) > 1)
            ):
                raise UserError(composer._pos_marketing_rule())
        return super().action_send()
