# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.oto_crm_whatsapp.tests.common import WhatsappCommon


class PosWhatsappCommon(WhatsappCommon):
    """The WhatsApp account and customers, and a point of sale of the store
    with a cash method."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        journal = cls.env["account.journal"].search(
            [("type", "=", "cash"), ("company_id", "=", cls.env.company.id)], limit=1
        )
        method = cls.env["pos.payment.method"].create(
            {"name": "Dinheiro WA", "journal_id": journal.id}
        )
        cls.config = cls.env["pos.config"].create(
            {
                "name": "Caixa WhatsApp",
                "oto_store_id": cls.store.id,
                "payment_method_ids": [(6, 0, method.ids)],
            }
        )
