# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from odoo import api, models

from ..models.res_partner import ENGINE_FIELDS


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    @api.model
    def _update_values(self, src_partners, dst_partner):
        """Odoo's merge of contacts, for whoever may merge them: the
        destination keeps its wallet (seller, store, pin, a number found
        wrong) and the merged customer rests as after their latest contact,
        whichever of them it was recorded on."""
        everyone = (src_partners | dst_partner).sudo()
        latest = max(
            everyone,
            key=lambda p: (p.oto_last_contact or datetime.min, p == dst_partner),
        )
        engine = {name: latest._oto_wallet_value(name) for name in ENGINE_FIELDS}
        result = super()._update_values(
            src_partners, dst_partner.with_context(oto_partner_merge=True)
        )
        target = dst_partner.sudo()
        if any(
            target._oto_wallet_value(name) != value for name, value in engine.items()
        ):
            target.write(engine)
        return result
