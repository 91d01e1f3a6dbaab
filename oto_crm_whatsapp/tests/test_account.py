# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install", "oto_crm_whatsapp")
class TestWhatsappAccount(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.brand_admin = new_test_user(
            cls.env, "wa_brand_admin", groups="oto_crm.oto_crm_group_admin"
        )
        cls.manager = new_test_user(
            cls.env, "wa_manager", groups="oto_crm.oto_crm_group_manager"
        )
        cls.seller = new_test_user(
            cls.env, "wa_seller", groups="oto_crm.oto_crm_group_seller"
        )
        cls.account = cls.env["oto.whatsapp.account"].create(
            {
                "name": "Aurora atendimento",
                "phone_number_id": "106540352242922",
                "business_account_id": "102290129340398",
                "access_token": "EAAG-secret-token",
                "app_secret": "app-secret",
                "webhook_verify_token": "verify-me",
            }
        )

    def test_secrets_only_for_system_administrators(self):
        self.assertEqual(self.account.access_token, "EAAG-secret-token")
        account = self.account.with_user(self.brand_admin)
        self.assertEqual(account.name, "Aurora atendimento")
        for secret in ("access_token", "app_secret", "webhook_verify_token"):
            with self.subTest(secret=secret), self.assertRaises(AccessError):
                account.read([secret])
        self.assertNotIn("access_token", account.fields_get())

    def test_access_per_group(self):
        self.assertEqual(
            self.env["oto.whatsapp.account"].with_user(self.manager).search([]),
            self.account,
        )
        with self.assertRaises(AccessError):
            self.account.with_user(self.manager).name = "X"
        with self.assertRaises(AccessError):
            self.env["oto.whatsapp.account"].with_user(self.seller).search([])
        self.account.with_user(self.brand_admin).name = "Aurora SAC"
        self.assertEqual(self.account.name, "Aurora SAC")

    def test_ids_must_be_meta_ids(self):
        with self.assertRaises(ValidationError):
            self.account.phone_number_id = "+55 11 98765-4321"
        with self.assertRaises(ValidationError):
            self.account.api_version = "21"

    def test_phone_number_id_unique(self):
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
        ):
            self.env["oto.whatsapp.account"].create(
                {
                    "name": "Duplicada",
                    "phone_number_id": "106540352242922",
                    "business_account_id": "102290129340398",
                }
            )

    def test_webhook_events_kept_only_for_the_company_s_admins(self):
        Event = self.env["oto.whatsapp.event"]
        own = Event._keep("status", "pending", {"id": "wamid.A"}, self.account)
        other_company = self.env["res.company"].create({"name": "Franquia WA"})
        other = self.account.copy(
            {"phone_number_id": "106540352242999", "company_id": other_company.id}
        )
        theirs = Event._keep("status", "pending", {"id": "wamid.B"}, other)
        nobody = Event._keep("item", "unroutable", {"id": "wamid.C"})
        self.assertEqual(own.company_id, self.env.company)
        admin_events = Event.with_user(self.brand_admin).search([])
        self.assertIn(own, admin_events)
        self.assertNotIn(theirs, admin_events)
        # An event of no account may hold any number's data: system only.
        self.assertNotIn(nobody, admin_events)
        self.assertIn(nobody, Event.search([]))
        for user in (self.manager, self.seller):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                Event.with_user(user).search([])
