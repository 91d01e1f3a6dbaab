# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

import psycopg2

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, freeze_time, tagged
from odoo.tools import mute_logger

from .common import OtoCrmCommon, call_kw

NOW = datetime(2026, 3, 10, 15, 0)  # 12:00 in São Paulo


class LedgerCommon(OtoCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        # Ana's (user_seller's) customer, and one of another store.
        cls.mine = Partner.create(
            {
                "name": "Cliente da Ana",
                "company_id": cls.company.id,
                "mobile": "+5511987650011",
                "oto_seller_id": cls.seller_a1.id,
            }
        )
        cls.theirs = Partner.create(
            {
                "name": "Cliente da Carla",
                "company_id": cls.company.id,
                "mobile": "+5521987650022",
                "oto_seller_id": cls.seller_b1.id,
            }
        )
        cls.mine._oto_set_consent(["whatsapp"], True, "pos", "Loja", "Aceito")

    def _entries(self, partner):
        return self.env["oto.consent"].search([("partner_id", "=", partner.id)])


@tagged("post_install", "-at_install", "oto_crm")
class TestConsentLedger(LedgerCommon):
    def test_entries_are_never_changed_nor_deleted_by_anyone(self):
        entry = self._entries(self.mine)
        self.assertEqual(len(entry), 1)
        for user in (self.user_seller, self.user_manager_a, self.user_admin):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    entry.with_user(user).write({"granted": False})
                with self.assertRaises(AccessError):
                    entry.with_user(user).unlink()
        # Not even code running as superuser.
        with self.assertRefused(UserError, "cannot be changed"):
            entry.sudo().write({"granted": False})
        with self.assertRefused(UserError, "cannot be deleted"):
            entry.sudo().unlink()
        # Nor through the customer: one with proof is anonymized, not deleted.
        with (
            self.assertRaises(psycopg2.errors.ForeignKeyViolation),
            mute_logger("odoo.sql_db"),
        ):
            self.mine.sudo().unlink()
        self.assertTrue(entry.exists())
        self.assertTrue(entry.granted)

    def test_a_revocation_is_a_new_entry(self):
        before = self._entries(self.mine)
        self.mine.with_user(self.user_seller).write({"oto_optout_whatsapp": True})
        after = self._entries(self.mine)
        self.assertEqual(len(after), len(before) + 1)
        revocation = after - before
        self.assertFalse(revocation.granted)
        self.assertEqual(revocation.source, "app")  # a seller, by hand
        self.assertEqual(revocation.user_id, self.user_seller)
        self.assertTrue(before.granted)  # the grant is still there, as it was
        self.assertTrue(self.mine.oto_optout_whatsapp)
        # A store manager's change is the manager's.
        self.mine.with_user(self.user_manager_a).write({"oto_optout_whatsapp": False})
        self.assertEqual(self._entries(self.mine)[0].source, "manager")

    def test_date_user_and_source_are_the_servers(self):
        Consent = self.env["oto.consent"].with_user(self.user_seller)
        forged = [
            {"date": "2020-01-01 00:00:00"},
            {"user_id": self.user_admin.id},
            {"source": "pos"},
            {"company_id": self.other_company.id},
        ]
        for extra in forged:
            with (
                self.subTest(forged=extra),
                self.assertRefused(UserError, "sets these itself"),
            ):
                Consent.create(
                    {
                        "partner_id": self.mine.id,
                        "channel": "sms",
                        "granted": True,
                        **extra,
                    }
                )
        with freeze_time(NOW):
            entry = Consent.create(
                {
                    "partner_id": self.mine.id,
                    "channel": "sms",
                    "granted": True,
                    "text_shown": "Aceita receber SMS?",
                }
            )
        self.assertEqual(entry.date, NOW)
        self.assertEqual(entry.user_id, self.user_seller)
        self.assertEqual(entry.source, "app")
        self.assertEqual(entry.company_id, self.company)
        # Even code running as superuser gets the server's date and user.
        with freeze_time(NOW):
            entry = (
                self.env["oto.consent"]
                .with_user(self.user_manager_a)
                .sudo()
                .create(
                    {
                        "partner_id": self.mine.id,
                        "channel": "sms",
                        "granted": False,
                        "source": "qr",
                        "date": "2030-01-01 00:00:00",
                        "user_id": self.user_admin.id,
                    }
                )
            )
        self.assertEqual(
            (entry.date, entry.user_id, entry.source), (NOW, self.user_manager_a, "qr")
        )

    def test_only_for_a_customer_the_user_may_see(self):
        with self.assertRaises(AccessError):
            self.env["oto.consent"].with_user(self.user_seller).create(
                {"partner_id": self.theirs.id, "channel": "whatsapp", "granted": False}
            )
        with self.assertRaises(AccessError):
            self.env["oto.consent"].with_user(self.user_franchise).create(
                {"partner_id": self.mine.id, "channel": "whatsapp", "granted": False}
            )
        self.assertFalse(self._entries(self.theirs))
        self.assertFalse(self.mine.oto_optout_whatsapp)

    def test_a_callers_context_does_not_pass_for_the_ledger(self):
        # The ledger writes the customers' state with this key as superuser;
        # a caller sending it still goes through the ledger.
        self.mine.with_user(self.user_seller).with_context(
            oto_consent_ledger=True
        ).write({"oto_optout_sms": True})
        self.assertTrue(self.mine.oto_optout_sms)
        self.assertEqual(self._entries(self.mine)[0].channel, "sms")
        self.assertFalse(self._entries(self.mine)[0].granted)
        # A customer created opted out has the entry too.
        created = (
            self.env["res.partner"]
            .with_user(self.user_seller)
            .create({"name": "Nova", "oto_optout_email": True})
        )
        self.assertTrue(created.oto_optout_email)
        self.assertEqual(self._entries(created).mapped("channel"), ["email"])

    def test_the_latest_entry_of_the_whole_ledger_decides(self):
        later = NOW + timedelta(hours=2)
        with freeze_time(later):
            self.theirs._oto_set_consent(["sms"], True, "pos", "Loja", "Aceito")
        # A server whose clock is behind records a revocation afterwards:
        # dated before the grant, it is not the customer's latest word.
        with freeze_time(NOW):
            self.theirs._oto_set_consent(["sms"], False, "qr", "Cartaz")
        self.assertFalse(self.theirs.oto_optout_sms)
        self.assertEqual(len(self._entries(self.theirs)), 2)
        # In one batch, the last one decides.
        self.env["oto.consent"].sudo().create(
            [
                {
                    "partner_id": self.theirs.id,
                    "channel": "call",
                    "granted": granted,
                    "source": "import",
                }
                for granted in (False, True, False)
            ]
        )
        self.assertTrue(self.theirs.oto_optout_call)
        # The state always is the latest entry per channel.
        for channel in ("whatsapp", "sms", "call", "email"):
            latest = self._entries(self.theirs).filtered(
                lambda e, c=channel: e.channel == c
            )
            self.assertEqual(
                self.theirs[f"oto_optout_{channel}"],
                bool(latest and not latest[0].granted),
            )


@tagged("post_install", "-at_install", "oto_crm")
@freeze_time(NOW)
class TestContactDates(LedgerCommon):
    def _record(self, user, when, partner=None, **values):
        partner = partner or self.mine
        seller = self.seller_a1 if partner == self.mine else self.seller_b1
        return (
            self.env["oto.contact"]
            .with_user(user)
            .create(
                {
                    "partner_id": partner.id,
                    "seller_id": seller.id,
                    "company_id": self.company.id,
                    "channel": "whatsapp",
                    "date": when,
                    **values,
                }
            )
        )

    def test_never_in_the_future(self):
        for user in (self.user_seller, self.user_manager_a, self.user_admin):
            with (
                self.subTest(user=user.login),
                self.assertRefused(ValidationError, "in the future"),
            ):
                self._record(user, NOW + timedelta(minutes=5))
        self.assertFalse(self.mine.oto_contact_ids)

    def test_a_seller_dates_it_today_or_yesterday(self):
        # The day before, early in the morning (São Paulo): accepted.
        yesterday = datetime(2026, 3, 9, 3, 30)  # 00:30 local
        contact = self._record(self.user_seller, yesterday)
        self.assertEqual(contact.date, yesterday)
        # Before that: it could take the credit of an earlier sale.
        for when in (datetime(2026, 3, 9, 2, 59), NOW - timedelta(days=5)):
            with (
                self.subTest(when=when),
                self.assertRefused(ValidationError, "today or yesterday"),
            ):
                self._record(self.user_seller, when)
        self.assertEqual(len(self.mine.oto_contact_ids), 1)

    def test_managers_correct_within_the_limit(self):
        contact = self._record(self.user_manager_a, NOW - timedelta(days=20))
        self.assertTrue(contact)
        with self.assertRefused(ValidationError, "30 days back"):
            self._record(self.user_manager_a, NOW - timedelta(days=31))
        # A correction of the date follows the same rule.
        with self.assertRefused(ValidationError, "30 days back"):
            contact.with_user(self.user_manager_a).write(
                {"date": NOW - timedelta(days=40)}
            )
        contact.with_user(self.user_manager_a).write({"date": NOW - timedelta(days=2)})
        self.assertEqual(contact.date, NOW - timedelta(days=2))
        # The server's own work (imports, demo data) is not a person's.
        old = self.env["oto.contact"].create(
            {
                "partner_id": self.mine.id,
                "seller_id": self.seller_a1.id,
                "company_id": self.company.id,
                "date": NOW - timedelta(days=90),
            }
        )
        self.assertTrue(old)

    def test_consent_of_a_contact_only_for_a_customer_the_user_sees(self):
        # Ana's contact on a customer of another store, saying "revoked".
        with self.assertRaises(AccessError):
            self._record(
                self.user_seller,
                NOW,
                partner=self.theirs,
                seller_id=self.seller_a1.id,
                consent="revoked",
            )
        self.assertFalse(self.theirs.oto_optout_whatsapp)
        self.assertFalse(self._entries(self.theirs))
        # On her own customer it is recorded, with the server's source.
        self._record(self.user_seller, NOW, consent="revoked")
        self.assertTrue(self.mine.oto_optout_whatsapp)
        self.assertEqual(self._entries(self.mine)[0].source, "app")
        self.assertEqual(self._entries(self.mine)[0].user_id, self.user_seller)


@tagged("post_install", "-at_install", "oto_crm")
class TestConsentLedgerOverRpc(LedgerCommon, HttpCase):
    def _call(self, model, method, args, kwargs=None):
        return call_kw(self, model, method, args, kwargs)

    def test_rpc_cannot_change_delete_or_forge(self):
        entry = self._entries(self.mine)
        for user in (self.user_seller, self.user_manager_a, self.user_admin):
            with self.subTest(user=user.login):
                self.authenticate(user.login, user.login)
                for method, args in (
                    ("write", [entry.ids, {"granted": False}]),
                    ("unlink", [entry.ids]),
                ):
                    body = self._call("oto.consent", method, args)
                    self.assertEqual(
                        body["error"]["data"]["name"], "odoo.exceptions.AccessError"
                    )
                forged = self._call(
                    "oto.consent",
                    "create",
                    [
                        {
                            "partner_id": self.mine.id,
                            "channel": "sms",
                            "granted": True,
                            "date": "2020-01-01 00:00:00",
                            "source": "pos",
                        }
                    ],
                )
                self.assertEqual(
                    forged["error"]["data"]["name"], "odoo.exceptions.UserError"
                )
                # The ledger's own key in the context does not open a side door.
                self._call(
                    "res.partner",
                    "write",
                    [self.mine.ids, {"oto_optout_email": True}],
                    {"context": {"oto_consent_ledger": True}},
                )
                self.assertEqual(self._entries(self.mine)[0].user_id, user)
                self.env["oto.consent"].sudo().create(
                    {
                        "partner_id": self.mine.id,
                        "channel": "email",
                        "granted": True,
                        "source": "import",
                    }
                )
        self.assertTrue(entry.exists())
        self.assertTrue(entry.granted)
        self.assertEqual(
            self._entries(self.mine).filtered(lambda e: e.channel == "sms").ids, []
        )
