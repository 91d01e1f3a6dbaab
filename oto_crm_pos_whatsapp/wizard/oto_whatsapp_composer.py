# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class OtoWhatsappComposer(models.TransientModel):
    _inherit = "oto.whatsapp.composer"

    def _phone_of(self, record):
        # A receipt goes to the number typed at the counter.
        return self.env.context.get("oto_whatsapp_phone") or super()._phone_of(record)
