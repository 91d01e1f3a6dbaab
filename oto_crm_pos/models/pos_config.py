# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class PosConfig(models.Model):
    _inherit = "pos.config"

    oto_store_id = fields.Many2one(
        "oto.store",
        string="Oto store",
        index="btree_not_null",
        check_company=True,
        help="The store whose sellers assist at this point of sale.",
    )
    oto_receipt_whatsapp = fields.Boolean(
        string="WhatsApp receipts",
        help="Send receipts by WhatsApp from the receipt screen; the number "
        "typed is saved on the customer.",
    )
    oto_whatsapp_receipt_ready = fields.Boolean(
        compute="_compute_oto_whatsapp_receipt_ready",
        help="WhatsApp receipts can be sent: Oto CRM - WhatsApp is installed "
        "and a receipt template is chosen.",
    )
    oto_consent_text = fields.Text(
        string="Consent text",
        translate=True,
        default=lambda self: self._oto_default_consent_text(),
        help="What the cashier reads or shows to the customer when recording "
        "their marketing consent; kept in the consent ledger as proof.",
    )

    @api.model
    def _oto_default_consent_text(self):
        return self.env._(
            "I agree to receive offers and news from the store by the channels "
            "ticked. I can stop at any time by replying STOP or asking at the "
            "store."
        )

    @api.model_create_multi
    def create(self, vals_list):
        configs = super().create(vals_list)
        configs._oto_translate_default_consent()
        return configs

    def _oto_translate_default_consent(self):
        """The default consent text in every installed language (a default
        is stored in the language it was computed in: English)."""
        source = self.with_context(lang="en_US")._oto_default_consent_text()
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        translations = {
            lang: self.with_context(lang=lang)._oto_default_consent_text()
            for lang in langs
        }
        for config in self:
            if config.with_context(lang="en_US").oto_consent_text == source:
                config.update_field_translations("oto_consent_text", translations)

    def _oto_consent_text(self):
        """The consent text the customer reads, in the cashier's language:
        the brand's own wording, else the default one translated (also when
        the language came after the point of sale)."""
        self.ensure_one()
        text = self.oto_consent_text
        source = self.with_context(lang="en_US")._oto_default_consent_text()
        if not text or text == source:
            return self._oto_default_consent_text()
        return text

    def _load_pos_data(self, data):
        result = super()._load_pos_data(data)
        for values in result["data"]:
            if "oto_consent_text" in values:
                values["oto_consent_text"] = self.browse(
                    values["id"]
                )._oto_consent_text()
        return result

    def _compute_oto_whatsapp_receipt_ready(self):
        # oto_crm_pos_whatsapp (with oto_crm_whatsapp) sends them.
        self.oto_whatsapp_receipt_ready = False

    def _oto_receipt_channels(self):
        """The receipt channels usable at this point of sale."""
        self.ensure_one()
        channels = {"email"}
        if self.module_pos_sms and hasattr(
            self.env["pos.order"], "action_sent_message_on_sms"
        ):
            channels.add("sms")
        if self.oto_receipt_whatsapp and self.oto_whatsapp_receipt_ready:
            channels.add("whatsapp")
        return channels
