# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from odoo.addons.oto_crm.tests.common import PhoneBrowserMixin
from odoo.addons.oto_crm_pos.tests.test_pos_ui import OtoPosTourCommon
from odoo.addons.oto_crm_whatsapp.tools.fake_graph import FakeGraph

TOKEN = "EAAG-tour-token"
SECRET = "tour-app-secret"


@tagged("post_install", "-at_install", "oto_crm_pos_whatsapp", "oto_tour")
class TestPosWhatsappUi(PhoneBrowserMixin, OtoPosTourCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        su = cls.env(su=True)
        cls.graph = FakeGraph(access_token=TOKEN, app_secret=SECRET)
        cls.graph.start()
        cls.addClassCleanup(cls.graph.stop)
        su["ir.config_parameter"].set_param(
            "oto_crm_whatsapp.graph_url", cls.graph.base_url
        )
        company = cls.main_pos_config.company_id
        cls.account = su["oto.whatsapp.account"].create(
            {
                "name": "Loja Oscar Freire",
                "company_id": company.id,
                "phone_number_id": cls.graph.phone_number_id,
                "business_account_id": cls.graph.waba_id,
                "access_token": TOKEN,
                "app_secret": SECRET,
                "webhook_verify_token": "verify-me",
            }
        )
        template = su["oto.whatsapp.template"].create(
            {
                "name": "recibo_loja",
                "account_id": cls.account.id,
                "category": "utility",
                "model_id": su.ref("point_of_sale.model_pos_order").id,
                "phone_field": "mobile",
                "body": "Obrigado pela compra {{1}}!",
                "variable_ids": [(0, 0, {"name": "1", "field_path": "name"})],
            }
        )
        template.action_submit()
        template._apply_meta("APPROVED")
        cls.main_pos_config.write(
            {
                "oto_receipt_whatsapp": True,
                "oto_whatsapp_receipt_template_id": template.id,
            }
        )

    def test_receipt_whatsapp_creates_customer_from_phone_tour(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("OtoPosReceiptWhatsappTour")
        order = self._paid_orders()
        self.assertEqual(order.partner_id.mobile, "+5521998765432")
        self.assertEqual(order.partner_id.oto_store_id, self.store)
        message = (
            self.env["oto.whatsapp.message"]
            .sudo()
            .search([("res_id", "=", order.id), ("model", "=", "pos.order")])
        )
        self.assertEqual(message.phone, "+5521998765432")
        self.assertEqual(message.state, "queued")
