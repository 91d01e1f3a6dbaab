# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import statistics
import time
from unittest.mock import patch

from passlib.context import CryptContext

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..models import oto_seller as oto_seller_module
from .common import OtoCrmCommon


class PinCommon(OtoCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.oto_login_mode = "store"
        cls.store_user = new_test_user(
            cls.env,
            "oto_store_jardins",
            groups="oto_crm.oto_crm_group_seller",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.store_a.user_id = cls.store_user
        # On the shared device: sellers without a login of their own.
        cls.seller_a1.user_id = False
        cls.seller_a1.write({"email": "a1@example.com", "phone": "+5511987650101"})
        cls.seller_a1._set_pin("1234")
        cls.seller_a2._set_pin("987654")


@tagged("post_install", "-at_install", "oto_crm")
class TestPin(PinCommon):
    def _login(self, seller, pin):
        return (
            self.env["oto.seller"]
            .with_user(self.store_user)
            .oto_pin_login(seller.id, pin)
        )

    def test_pin_is_stored_as_a_salted_slow_hash(self):
        self.env.cr.execute(
            "SELECT pin_hash FROM oto_seller WHERE id IN %s",
            [(self.seller_a1.id, self.seller_a2.id)],
        )
        hashes = [row[0] for row in self.env.cr.fetchall()]
        for value in hashes:
            self.assertTrue(value.startswith("$pbkdf2-sha512$"))
            self.assertNotIn("1234", value)
        self.seller_b1._set_pin("1234")
        self.env.cr.execute(
            "SELECT pin_hash FROM oto_seller WHERE id = %s", [self.seller_b1.id]
        )
        # Salted: the same PIN, another hash.
        self.assertNotIn(self.env.cr.fetchone()[0], hashes)
        self.assertTrue(self.seller_a1.pin_set)
        # Nobody but a system administrator reads the hash.
        with self.assertRaises(AccessError):
            self.seller_a1.with_user(self.user_admin).pin_hash  # noqa: B018
        self.assertNotIn(
            "pin_hash",
            self.seller_a1.with_user(self.user_manager_a).read()[0],
        )

    def test_bad_pins_are_refused_without_counting(self):
        for pin in ("12a4", "123", "1234567", "", " 1234", None, 1234):
            with (
                self.subTest(pin=pin),
                self.assertRaisesRegex(UserError, "4 to 6 digits"),
            ):
                self._login(self.seller_a1, pin)
            with (
                self.subTest(pin=pin),
                self.assertRaisesRegex(UserError, "4 to 6 digits"),
            ):
                self.seller_a1._set_pin(pin)
        self.assertEqual(self.seller_a1.pin_failures, 0)
        self.assertEqual(self._login(self.seller_a1, "1234")["ok"], True)

    def test_lockout_after_the_configured_wrong_pins(self):
        self.company.oto_pin_max_attempts = 3
        first = self._login(self.seller_a1, "0000")
        self.assertFalse(first["ok"])
        self.assertIn("2 attempt(s) left", first["error"])
        self._login(self.seller_a1, "0001")
        third = self._login(self.seller_a1, "0002")
        self.assertTrue(third["locked"])
        self.assertTrue(self.seller_a1.pin_locked)
        # Locked: even the right PIN is refused.
        right = self._login(self.seller_a1, "1234")
        self.assertFalse(right["ok"])
        self.assertIn("ask your store manager", right["error"])
        audit = self.env["oto.audit"].search([("seller_id", "=", self.seller_a1.id)])
        self.assertEqual(audit.mapped("action"), ["pin_locked"])
        # The manager unlocks; the right PIN works again; a success resets the count.
        self.seller_a1.with_user(self.user_manager_a).action_unlock()
        self.assertFalse(self.seller_a1.pin_locked)
        self._login(self.seller_a1, "0000")
        self.assertTrue(self._login(self.seller_a1, "1234")["ok"])
        self.assertEqual(self.seller_a1.pin_failures, 0)

    def test_unlocking_an_unlocked_seller_or_another_store(self):
        with self.assertRaisesRegex(UserError, "is not locked"):
            self.seller_a1.with_user(self.user_manager_a).action_unlock()
        self.seller_b1.sudo().pin_locked = True
        with self.assertRaises(AccessError):
            self.seller_b1.with_user(self.user_manager_a).action_unlock()
        with self.assertRaises(AccessError):
            self.seller_a1.with_user(self.user_seller).oto_reset_pin()
        self.assertTrue(self.seller_b1.pin_locked)
        self.assertFalse(self.env["oto.audit"].search([("action", "=", "pin_unlock")]))

    def test_reset_pin_email_old_pin_stops_working(self):
        self.seller_a1.sudo().pin_locked = True
        result = self.seller_a1.with_user(self.user_manager_a).oto_reset_pin()
        pin = result["pin"]
        self.assertRegex(pin, r"^\d{6}$")
        self.assertTrue(result["emailed"])
        self.assertTrue(
            result["whatsapp_url"].startswith("https://wa.me/5511987650101?text=")
        )
        self.assertIn(pin, result["whatsapp_url"])
        self.assertFalse(self.seller_a1.pin_locked)
        mail = self.env["mail.mail"].search([("email_to", "=", "a1@example.com")])
        self.assertEqual(len(mail), 1)
        self.assertIn(pin, mail.body_html)
        self.assertFalse(self._login(self.seller_a1, "1234")["ok"])
        self.assertTrue(self._login(self.seller_a1, pin)["ok"])
        audit = self.env["oto.audit"].search([("action", "=", "pin_reset")])
        self.assertEqual(audit.seller_id, self.seller_a1)
        self.assertEqual(audit.user_id, self.user_manager_a)
        self.assertNotIn(pin, audit.description)

    def test_reset_pin_for_an_inactive_seller_is_refused(self):
        self.seller_a2.active = False
        with self.assertRaisesRegex(UserError, "is inactive"):
            self.seller_a2.with_user(self.user_manager_a).oto_reset_pin()
        self.assertFalse(self.env["oto.audit"].search([("action", "=", "pin_reset")]))

    def test_only_a_store_login_identifies_sellers_of_its_store(self):
        with self.assertRaises(AccessError):
            self.env["oto.seller"].with_user(self.user_seller).oto_pin_login(
                self.seller_a1.id, "1234"
            )
        # A seller of another store is not recognized, whatever the PIN.
        self.seller_b1._set_pin("1234")
        self.assertFalse(self._login(self.seller_b1, "1234")["ok"])

    def test_no_timing_difference_between_unknown_seller_and_wrong_pin(self):
        def timed(seller_id):
            started = time.perf_counter()
            self.env["oto.seller"].with_user(self.store_user).oto_pin_login(
                seller_id, "5555"
            )
            return time.perf_counter() - started

        # Odoo's tests hash with one round: PINs hashed as in production
        # (tens of milliseconds), so the hash, not the machine's noise, is
        # what both paths take.
        slow = CryptContext(["pbkdf2_sha512"], pbkdf2_sha512__rounds=60000)
        Seller = type(self.env["oto.seller"])
        self.startPatcher(patch.object(Seller, "_crypt", lambda self: slow))
        self.startPatcher(patch.object(oto_seller_module, "_DUMMY_HASH", []))
        self.seller_a2._set_pin("987654")
        self.company.oto_pin_max_attempts = 10
        timed(0)  # the first call hashes the placeholder
        unknown = [timed(999999) for _i in range(5)]
        wrong = [timed(self.seller_a2.id) for _i in range(5)]
        # Both check one slow hash (a shortcut for unknown sellers would take
        # a fraction of it).
        reference = oto_seller_module._DUMMY_HASH[0]
        hash_time = statistics.median(
            self._timed_verify(slow, reference) for _i in range(5)
        )
        self.assertGreater(statistics.median(unknown), hash_time * 0.7)
        self.assertGreater(statistics.median(wrong), hash_time * 0.7)

    @staticmethod
    def _timed_verify(context, hashed):
        started = time.perf_counter()
        context.verify("5555", hashed)
        return time.perf_counter() - started

    def test_inactivation_and_consent_and_manual_moves_are_audited(self):
        customer = self.env["res.partner"].create(
            {"name": "Cliente Auditada", "oto_seller_id": self.seller_a1.id}
        )
        customer.with_user(self.user_manager_a).oto_seller_id = self.seller_a2
        customer.with_user(self.user_manager_a).oto_optout_whatsapp = True
        self.seller_a1.with_user(self.user_manager_a).action_inactivate()
        self.seller_a1.with_user(self.user_manager_a).action_unarchive()
        # The customer created in a wallet is a move by hand too (by the
        # test's superuser); then the manager's actions.
        created = self.env["oto.audit"].search(
            [("user_id", "!=", self.user_manager_a.id)]
        )
        self.assertEqual(created.mapped("action"), ["wallet_move"])
        entries = self.env["oto.audit"].search(
            [("user_id", "=", self.user_manager_a.id)], order="id"
        )
        self.assertEqual(
            entries.mapped("action"),
            ["wallet_move", "consent", "seller_inactivated", "seller_activated"],
        )
        self.assertEqual(entries[1].partner_id, customer)
        # A store manager reads their store's entries; the trail is not changed.
        mine = self.env["oto.audit"].with_user(self.user_manager_a).search([])
        self.assertIn(entries[0], mine)
        self.assertFalse(
            self.env["oto.audit"]
            .with_user(self.user_manager_b)
            .search([("id", "in", entries[2:].ids)])
        )
        with self.assertRaises(UserError):
            entries[0].write({"description": "x"})
        with self.assertRaises(UserError):
            entries[0].unlink()


@tagged("post_install", "-at_install", "oto_crm")
class TestPasswordPolicy(OtoCrmCommon):
    def test_policy_for_oto_users(self):
        cases = {
            "Curta#1a": "at least 10 characters",
            "semmaiuscula#1": "an upper-case letter",
            "SEMMINUSCULA#1": "a lower-case letter",
            "SemDigito#ab": "a digit",
            "SemEspecial12": "a special character",
        }
        for password, message in cases.items():
            with (
                self.subTest(password=password),
                self.assertRaisesRegex(UserError, message),
            ):
                self.user_seller._change_password(password)
        self.user_seller._change_password("Aurora#2026")
        # Someone else gave it: temporary.
        self.assertTrue(self.user_seller.oto_password_temporary)
        # Not an Oto user: Odoo's own rules only.
        other = new_test_user(self.env, "oto_not_a_seller", groups="base.group_user")
        other._change_password("simples")
        # Their own new password is not temporary any more.
        self.user_seller.with_user(self.user_seller).change_password(
            "Aurora#2026", "Jardins@2027"
        )
        self.assertFalse(self.user_seller.oto_password_temporary)


@tagged("post_install", "-at_install", "oto_crm")
class TestStoreLoginSession(PinCommon, HttpCase):
    def _call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def test_two_sellers_on_one_device(self):
        self.authenticate("oto_store_jardins", "oto_store_jardins")
        day = self._call("oto.suggestion", "get_seller_day")
        self.assertFalse(day["seller"])
        self.assertTrue(day["pin_required"])
        self.assertEqual(
            [s["name"] for s in day["sellers"]],
            sorted([self.seller_a1.name, self.seller_a2.name]),
        )
        self.assertTrue(
            self._call("oto.seller", "oto_pin_login", self.seller_a1.id, "1234")["ok"]
        )
        self.assertEqual(
            self._call("oto.suggestion", "get_seller_day")["seller"]["id"],
            self.seller_a1.id,
        )
        # What the seller does on the shared login carries their name.
        customer = self.env["res.partner"].create(
            {"name": "Cliente do Balcão", "oto_seller_id": self.seller_a1.id}
        )
        self._call("res.partner", "oto_add_note", [customer.id], "Gosta de azul")
        self.assertIn(
            f"Gosta de azul ({self.seller_a1.name})",
            customer.message_ids.filtered(lambda m: "Gosta" in (m.body or "")).body,
        )
        # The second seller takes the device.
        self._call("oto.seller", "oto_pin_logout")
        self.assertFalse(self._call("oto.suggestion", "get_seller_day")["seller"])
        self.assertTrue(
            self._call("oto.seller", "oto_pin_login", self.seller_a2.id, "987654")["ok"]
        )
        self.assertEqual(
            self._call("oto.suggestion", "get_seller_day")["seller"]["id"],
            self.seller_a2.id,
        )
        # A wrong PIN for the first seller does not sign the second one out.
        self.assertFalse(
            self._call("oto.seller", "oto_pin_login", self.seller_a1.id, "0000")["ok"]
        )
        self.assertEqual(
            self._call("oto.suggestion", "get_seller_day")["seller"]["id"],
            self.seller_a2.id,
        )
        # Opening the app again: the seller identifies again.
        self.assertFalse(
            self._call("oto.suggestion", "get_seller_day", opening=True)["seller"]
        )
        self.assertTrue(
            self._call("oto.seller", "oto_pin_login", self.seller_a2.id, "987654")["ok"]
        )
        # Idle longer than the setting: the PIN is asked again.
        self.company.oto_pin_idle_minutes = 1
        stored = http.root.session_store.get(self.session.sid)
        stored["oto_seller_seen"] -= 120
        http.root.session_store.save(stored)
        self.assertFalse(self._call("oto.suggestion", "get_seller_day")["seller"])

    def test_temporary_password_is_changed_at_first_sign_in(self):
        self.store_user._change_password("Temporaria#2026")
        self.assertTrue(self.store_user.oto_password_temporary)
        self.authenticate("oto_store_jardins", "Temporaria#2026")
        response = self.url_open("/odoo", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/oto/password"))
        page = self.url_open("/oto/password")
        self.assertIn("Choose your own password", page.text)
        csrf = http_csrf(page.text)
        weak = self.url_open(
            "/oto/password",
            data={
                "csrf_token": csrf,
                "old_password": "Temporaria#2026",
                "new_password": "fraca",
                "confirm_password": "fraca",
            },
        )
        self.assertIn("at least 10 characters", weak.text)
        self.assertTrue(self.store_user.oto_password_temporary)
        done = self.url_open(
            "/oto/password",
            data={
                "csrf_token": csrf,
                "old_password": "Temporaria#2026",
                "new_password": "Minha#Senha2026",
                "confirm_password": "Minha#Senha2026",
            },
            allow_redirects=False,
        )
        self.assertEqual(done.status_code, 303)
        self.assertFalse(self.store_user.oto_password_temporary)
        self.assertEqual(self.url_open("/odoo", allow_redirects=False).status_code, 200)


def http_csrf(html):
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


@tagged("post_install", "-at_install", "oto_crm")
class TestCustomerAccessOverHttp(OtoCrmCommon, HttpCase):
    def test_rpc_and_web_routes_do_not_leak_another_sellers_customer(self):
        # The seller's own password (not a temporary one, which would stop
        # every call before these).
        self.user_seller.with_user(self.user_seller).change_password(
            self.user_seller.login, "Vendedora#2026"
        )
        colleague = self.env["res.partner"].create(
            {
                "name": "Cliente Secreta",
                "mobile": "+5511911112222",
                "oto_seller_id": self.seller_a2.id,
            }
        )
        self.authenticate(self.user_seller.login, "Vendedora#2026")
        for method, args in (
            ("read", [[colleague.id], ["name", "mobile"]]),
            ("web_read", [[colleague.id]]),
            ("oto_get_profile", [[colleague.id]]),
        ):
            with self.subTest(method=method), mute_logger("odoo.http"):
                response = self.url_open(
                    "/web/dataset/call_kw",
                    data=json.dumps(
                        {
                            "jsonrpc": "2.0",
                            "method": "call",
                            "params": {
                                "model": "res.partner",
                                "method": method,
                                "args": args,
                                "kwargs": {"specification": {"name": {}}}
                                if method == "web_read"
                                else {},
                            },
                        }
                    ),
                    headers={"Content-Type": "application/json"},
                )
                body = response.json()
                self.assertEqual(
                    body["error"]["data"]["name"], "odoo.exceptions.AccessError"
                )
                self.assertNotIn("Secreta", json.dumps(body.get("result", "")))
                self.assertNotIn("11911112222", response.text)
        # The customer's avatar route gives the placeholder, not the record.
        image = self.url_open(f"/web/image/res.partner/{colleague.id}/avatar_128")
        self.assertNotIn(b"Secreta", image.content)
        # The search finds nothing of them either.
        found = self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": "res.partner",
                "method": "name_search",
                "args": ["Secreta"],
                "kwargs": {},
            },
        )
        self.assertEqual(found, [])
