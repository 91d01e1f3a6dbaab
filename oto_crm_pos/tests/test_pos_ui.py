# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo.tests import tagged

from odoo.addons.oto_crm.tests.common import PhoneBrowserMixin
from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon


class OtoPosTourCommon(TestPointOfSaleHttpCommon):
    """The POS test company's point of sale in an Oto store with two active
    sellers and an archived one; Helena is in Ana's wallet, a champion,
    accepts WhatsApp offers and refused SMS."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.main_pos_config.company_id
        # The POS test user is no Oto admin: the brand is set up as superuser.
        su = cls.env(su=True)
        cls.store = su["oto.store"].create(
            {"name": "Loja Oscar Freire", "code": "TOF", "company_id": company.id}
        )
        Seller = su["oto.seller"]
        cls.ana = Seller.create(
            {"name": "Ana Lima", "code": "TOF-ANA", "store_id": cls.store.id}
        )
        cls.carla = Seller.create(
            {"name": "Carla Souza", "code": "TOF-CAR", "store_id": cls.store.id}
        )
        Seller.create(
            {"name": "Dora Archived", "code": "TOF-DOR", "store_id": cls.store.id}
        ).active = False
        cls.main_pos_config.oto_store_id = cls.store
        cls.helena = su["res.partner"].create(
            {
                "name": "Helena Prado",
                "mobile": "+55 11 98123-4567",
                "email": "helena@example.com",
                "oto_seller_id": cls.ana.id,
                "company_id": company.id,
            }
        )
        su["oto.wallet.customer"].create(
            {
                "partner_id": cls.helena.id,
                "company_id": company.id,
                "last_purchase": fields.Datetime.now(),
                "order_count": 12,
                "amount": 4800.0,
                "r_score": 5,
                "f_score": 5,
                "v_score": 5,
                "segment_id": cls.env.ref("oto_crm.oto_rfv_segment_champions").id,
            }
        )
        cls.helena._oto_set_consent(["whatsapp"], True, "manager", "loja")
        cls.helena._oto_set_consent(["sms"], False, "manager", "loja")

    def _paid_orders(self):
        return self.env["pos.order"].search(
            [("config_id", "=", self.main_pos_config.id), ("state", "=", "paid")],
            order="id",
        )


@tagged("post_install", "-at_install", "oto_crm_pos", "oto_tour")
class TestPosUi(OtoPosTourCommon):
    def test_choose_seller_tour(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("OtoPosSellerTour")
        order = self._paid_orders()
        self.assertEqual(len(order), 1)
        self.assertEqual(order.oto_seller_id, self.carla)
        self.assertEqual(order.partner_id, self.helena)

    def test_badges_tour(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("OtoPosBadgesTour")
        consent = (
            self.env["oto.consent"]
            .sudo()
            .search([("partner_id", "=", self.helena.id), ("source", "=", "pos")])
        )
        self.assertEqual(consent.channel, "email")
        self.assertTrue(consent.granted)
        self.assertEqual(consent.pos_config_id, self.main_pos_config)

    def test_receipt_email_creates_customer_tour(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("OtoPosReceiptEmailTour")
        order = self._paid_orders()
        partner = order.partner_id
        self.assertEqual(partner.email, "nova.cliente@example.com")
        self.assertEqual(order.oto_seller_id, self.ana)
        consent = (
            self.env["oto.consent"].sudo().search([("partner_id", "=", partner.id)])
        )
        self.assertEqual(consent.mapped("channel"), ["email"])
        self.assertTrue(consent.granted)
        self.assertEqual(consent.source, "pos")
        self.assertEqual(consent.oto_seller_id, self.ana)
        self.assertEqual(consent.user_id, self.pos_user)

    def test_a_point_of_sale_of_no_store_keeps_odoo_s_receipt_screen_tour(self):
        self.main_pos_config.oto_store_id = False
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("OtoPosOdooReceiptTour")
        self.assertEqual(len(self._paid_orders()), 1)


@tagged("post_install", "-at_install", "oto_crm_pos", "oto_tour")
class TestPosUiMobile(PhoneBrowserMixin, OtoPosTourCommon):
    def test_choose_seller_mobile_tour(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("OtoPosSellerTour")
        self.assertEqual(self._paid_orders().oto_seller_id, self.carla)

    def test_product_grid_fits_the_phone_tour(self):
        self.env["product.product"].create(
            {
                "name": "Vestidolongodelinhobordadoàmãocomcinto",
                "available_in_pos": True,
                "list_price": 459.9,
                "taxes_id": False,
            }
        )
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("OtoPosGridFitsTour")
