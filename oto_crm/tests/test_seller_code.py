# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo import Command, http
from odoo.tests import HttpCase, tagged

from ..tools.seller_link import SESSION_KEY, qr_png
from .test_attribution import AttributionCommon

LOGGER = "odoo.addons.oto_crm.models.sale_order"


@tagged("post_install", "-at_install", "oto_crm")
class TestSellerCode(AttributionCommon):
    """The seller's link and QR code; online orders carrying the code."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.oto_online_store_url = "https://loja.example.com/?vendedor={code}"

    def _online_order(self, code):
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "oto_seller_code": code,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 1,
                            "price_unit": 150,
                        }
                    )
                ],
            }
        )

    def test_link_and_qr_code_on_the_seller_and_the_customer(self):
        link = "https://loja.example.com/?vendedor=ANA"
        self.assertEqual(self.ana.seller_link, link)
        png = base64.b64decode(self.ana.seller_qr)
        self.assertTrue(png.startswith(b"\x89PNG"))
        # The image is the QR code of the link (tools/tests decodes it).
        self.assertEqual(png, qr_png(link))
        self.assertEqual(self.customer.oto_seller_link, link)
        profile = self.customer.oto_get_profile()
        self.assertEqual(profile["seller_link"], link)
        self.assertEqual(base64.b64decode(profile["seller_qr"]), png)
        self.company.oto_online_store_url = False
        self.assertFalse(self.ana.seller_link)
        self.assertFalse(self.ana.seller_qr)

    def test_online_order_with_the_code_counts_for_the_seller(self):
        order = self._online_order(" ana ")
        self.assertEqual(order.oto_seller_id, self.ana)
        self.assertEqual(order.oto_store_id, self.store)
        self.assertEqual(order.oto_channel, "online")
        order.action_confirm()
        purchase = self.env["oto.purchase"].search([("res_id", "=", order.id)])
        self.assertEqual(
            (purchase.seller_id, purchase.channel, purchase.amount),
            (self.ana, "online", 150),
        )

    def test_unknown_or_inactive_code_is_ignored_and_logged(self):
        with self.assertLogs(LOGGER, "WARNING") as logs:
            order = self._online_order("NOBODY")
        self.assertFalse(order.oto_seller_id)
        self.assertIn("'NOBODY'", logs.output[0])
        self.caio.active = False
        with self.assertLogs(LOGGER, "WARNING") as logs:
            order = self._online_order("caio")
        self.assertFalse(order.oto_seller_id)
        self.assertIn("'CAIO'", logs.output[0])
        # The order itself is fine: it is confirmed like any other.
        order.action_confirm()
        self.assertEqual(order.state, "sale")


@tagged("post_install", "-at_install", "oto_crm")
class TestSellerCodeOnTheWebsite(HttpCase):
    def _session(self):
        return http.root.session_store.get(self.opener.cookies["session_id"])

    def test_link_parameter_is_kept_in_the_buyer_session(self):
        self.env.company.oto_online_store_url = "https://loja.example.com/?v={code}"
        # Any page of the site (a public one here).
        page = f"/web/image/res.company/{self.env.company.id}/logo"
        self.assertEqual(self.url_open(f"{page}?v=sp01-ana").status_code, 200)
        self.assertEqual(self._session().get(SESSION_KEY), "SP01-ANA")
        # Another parameter name is not a seller code.
        self.url_open(f"{page}?vendedor=OTHER")
        self.assertEqual(self._session().get(SESSION_KEY), "SP01-ANA")
