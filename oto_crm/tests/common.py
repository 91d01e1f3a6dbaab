# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from contextlib import contextmanager

from odoo.tests import TransactionCase, new_test_user
from odoo.tools import mute_logger


def call_kw(case, model, method, args, kwargs=None):
    """A JSON-RPC call of the web client over ``case``'s HTTP session (an
    HttpCase): the whole answer, ``result`` or ``error``."""
    with mute_logger("odoo.http"):
        response = case.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": model,
                        "method": method,
                        "args": args,
                        "kwargs": kwargs or {},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
    return response.json()


class OtoCrmCommon(TransactionCase):
    """Two stores, three sellers, a manager per store, a brand admin, customers.

    Built once per class; no demo data is read.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env["res.company"].create({"name": "Oto Test Brand"})
        cls.other_company = cls.env["res.company"].create(
            {"name": "Oto Test Franchise"}
        )
        companies = (cls.company | cls.other_company).ids
        cls.user_admin = new_test_user(
            cls.env,
            "oto_admin",
            groups="oto_crm.oto_crm_group_admin",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.user_manager_a = new_test_user(
            cls.env,
            "oto_manager_a",
            groups="oto_crm.oto_crm_group_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.user_manager_b = new_test_user(
            cls.env,
            "oto_manager_b",
            groups="oto_crm.oto_crm_group_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.user_seller = new_test_user(
            cls.env,
            "oto_seller",
            groups="oto_crm.oto_crm_group_seller",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.user_franchise = new_test_user(
            cls.env,
            "oto_franchise_admin",
            groups="oto_crm.oto_crm_group_admin",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )
        cls.companies = companies
        Store = cls.env["oto.store"].with_company(cls.company)
        cls.store_a = Store.create(
            {
                "name": "Loja Jardins",
                "code": "t-sp1",
                "company_id": cls.company.id,
                "area_codes": "11, 12",
                "manager_ids": [(4, cls.user_manager_a.id)],
            }
        )
        cls.store_b = Store.create(
            {
                "name": "Loja Ipanema",
                "code": "T-RJ1",
                "company_id": cls.company.id,
                "area_codes": "21",
                "manager_ids": [(4, cls.user_manager_b.id)],
            }
        )
        cls.store_franchise = cls.env["oto.store"].create(
            {
                "name": "Franquia Savassi",
                "code": "T-MG1",
                "kind": "franchise",
                "company_id": cls.other_company.id,
            }
        )
        Seller = cls.env["oto.seller"]
        cls.seller_a1 = Seller.create(
            {
                "name": "Ana",
                "code": "a1",
                "store_id": cls.store_a.id,
                "user_id": cls.user_seller.id,
                "phone": "(11) 98765-4321",
            }
        )
        cls.seller_a2 = Seller.create(
            {"name": "Bruno", "code": "A2", "store_id": cls.store_a.id}
        )
        cls.seller_b1 = Seller.create(
            {"name": "Carla", "code": "B1", "store_id": cls.store_b.id}
        )
        cls.seller_franchise = Seller.create(
            {
                "name": "Diego",
                "code": "A1",
                "store_id": cls.store_franchise.id,
            }
        )
        Partner = cls.env["res.partner"]
        cls.customer_1 = Partner.create(
            {"name": "Cliente Um", "company_id": cls.company.id}
        )
        cls.customer_2 = Partner.create(
            {"name": "Cliente Dois", "company_id": cls.company.id}
        )

    @contextmanager
    def assertRefused(self, exception, pattern):
        """``assertRaisesRegex`` that rolls back what the refused call wrote
        (Odoo's ``assertRaises`` does, unittest's ``assertRaisesRegex`` does
        not)."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), pattern)


class PhoneBrowserMixin:
    """Browser tests on a phone's screen, for real: Odoo's headless Chrome
    keeps its window at least 500 px wide whatever ``browser_size`` asks,
    so the phone's width (390x844) is emulated once the browser runs."""

    browser_size = "390x844"
    touch_enabled = True

    def authenticate(self, user, password, browser=None):
        session = super().authenticate(user, password, browser=browser)
        if browser:
            width, height = (
                int(v) for v in self.browser_size.replace(",", "x").split("x")
            )
            browser._websocket_request(
                "Emulation.setDeviceMetricsOverride",
                params={
                    "width": width,
                    "height": height,
                    "deviceScaleFactor": 1,
                    "mobile": True,
                },
            )
        return session
