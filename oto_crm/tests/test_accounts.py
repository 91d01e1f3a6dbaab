# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import re

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import OtoCrmCommon, call_kw


def _csrf(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


class AccountsCommon(OtoCrmCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.oto_password_max_attempts = 3
        # Odoo's own cooldown (per address, after 5 failures) would hide ours.
        cls.env["ir.config_parameter"].sudo().set_param("base.login_cooldown_after", 0)
        cls.store_user = new_test_user(
            cls.env,
            "oto_store_login_a",
            groups="oto_crm.oto_crm_group_seller",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.store_a.user_id = cls.store_user

    def _sign_in(self, login, password):
        """The sign-in page, as a person uses it: the answer's text, and
        whether it let them in."""
        self.session = None
        self.opener.cookies.clear()
        page = self.url_open("/web/login")
        with mute_logger("odoo.addons.base.models.res_users"):
            response = self.url_open(
                "/web/login",
                data={
                    "login": login,
                    "password": password,
                    "csrf_token": _csrf(page.text),
                },
                allow_redirects=False,
            )
        return response.status_code == 303, response.text

    def _call(self, model, method, args, kwargs=None):
        return call_kw(self, model, method, args, kwargs)

    def _audit(self, action, user):
        return self.env["oto.audit"].search(
            [("action", "=", action), ("concerned_user_id", "=", user.id)]
        )


@tagged("post_install", "-at_install", "oto_crm")
class TestSignInLock(AccountsCommon):
    def test_wrong_passwords_in_a_row_lock_until_the_store_manager_unlocks(self):
        ana = self.user_seller
        for _attempt in range(2):
            self.assertFalse(self._sign_in(ana.login, "errada")[0])
        self.assertEqual(ana.sudo().oto_login_failures, 2)
        # The right one: the count starts again ("in a row").
        self.assertTrue(self._sign_in(ana.login, ana.login)[0])
        self.assertEqual(ana.sudo().oto_login_failures, 0)
        for _attempt in range(3):
            self.assertFalse(self._sign_in(ana.login, "errada")[0])
        self.assertTrue(ana.sudo().oto_login_locked)
        self.assertTrue(self.seller_a1.login_locked)
        team = self.env["oto.seller"].with_user(self.user_manager_a).get_team()
        self.assertEqual(
            {row["name"]: row["login_locked"] for row in team},
            {self.seller_a1.name: True, self.seller_a2.name: False},
        )
        locked = self._audit("login_locked", ana)
        self.assertEqual(len(locked), 1)
        self.assertEqual(locked.seller_id, self.seller_a1)
        self.assertEqual(locked.store_id, self.store_a)
        self.assertIn("3 wrong passwords", locked.description)
        # Locked: the right password does not open either, and says why.
        ok, page = self._sign_in(ana.login, ana.login)
        self.assertFalse(ok)
        self.assertIn("locked after too many wrong passwords", page)
        self.assertEqual(len(self._audit("login_locked", ana)), 1)
        # Neither she, another store's manager, nor a brand admin of another
        # company unlocks her; nobody writes the lock by hand.
        for user in (ana, self.user_manager_b, self.user_franchise):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.seller_a1.with_user(user).action_unlock_login()
        system = self.env.ref("base.user_admin")
        for user in (self.user_admin, system):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                ana.with_user(user).write({"oto_login_locked": False})
        self.assertTrue(ana.sudo().oto_login_locked)
        # Her store's manager does, on the audit trail.
        self.seller_a1.with_user(self.user_manager_a).action_unlock_login()
        self.assertFalse(ana.sudo().oto_login_locked)
        unlock = self._audit("login_unlock", ana)
        self.assertEqual(unlock.user_id, self.user_manager_a)
        self.assertEqual(unlock.store_id, self.store_a)
        with self.assertRefused(UserError, "not locked"):
            self.seller_a1.with_user(self.user_manager_a).action_unlock_login()
        self.assertTrue(self._sign_in(ana.login, ana.login)[0])

    def test_the_store_login_is_never_locked_by_strangers(self):
        # A store's shared login is the whole store's: whoever knows its
        # name must not stop the store with wrong passwords (Odoo's cooldown
        # slows them; each seller's PIN is locked on its own).
        self.company.oto_password_max_attempts = 4
        for _attempt in range(6):
            self._sign_in(self.store_user.login, "errada")
        self.assertFalse(self.store_a.login_locked)
        self.assertFalse(self._audit("login_locked", self.store_user))
        self.assertTrue(self._sign_in(self.store_user.login, self.store_user.login)[0])

    def test_the_brand_admin_unlocks_a_seller(self):
        self.company.oto_password_max_attempts = 4
        for _attempt in range(4):
            self._sign_in(self.user_seller.login, "errada")
        self.assertTrue(self.user_seller.sudo().oto_login_locked)
        # A brand admin of the company unlocks any of its users.
        self.user_seller.with_user(self.user_admin).action_oto_unlock_login()
        self.assertFalse(self.user_seller.sudo().oto_login_locked)
        self.assertTrue(
            self._sign_in(self.user_seller.login, self.user_seller.login)[0]
        )

    def test_who_is_not_locked(self):
        # A system administrator (Odoo's cooldown still slows them), and a
        # user outside Oto CRM (Odoo as before).
        system = new_test_user(
            self.env,
            "oto_system_admin",
            groups="base.group_system,oto_crm.oto_crm_group_admin",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        other = new_test_user(self.env, "not_an_oto_user", groups="base.group_user")
        for user in (system, other):
            for _attempt in range(4):
                self._sign_in(user.login, "errada")
            with self.subTest(user=user.login):
                self.assertFalse(user.sudo().oto_login_locked)
                ok, page = self._sign_in(user.login, user.login)
                self.assertTrue(ok, re.findall(r"alert-danger[^>]*>([^<]*)<", page))

    def test_wrong_passwords_over_external_rpc_count_too(self):
        for _attempt in range(3):
            with mute_logger("odoo.http", "odoo.addons.base.models.res_users"):
                response = self.url_open(
                    "/jsonrpc",
                    data=json.dumps(
                        {
                            "jsonrpc": "2.0",
                            "method": "call",
                            "params": {
                                "service": "object",
                                "method": "execute_kw",
                                "args": [
                                    self.env.cr.dbname,
                                    self.user_seller.id,
                                    "errada",
                                    "res.partner",
                                    "search_count",
                                    [[]],
                                ],
                            },
                        }
                    ),
                    headers={"Content-Type": "application/json"},
                )
            self.assertIn("error", response.json())
        self.assertTrue(self.user_seller.sudo().oto_login_locked)


@tagged("post_install", "-at_install", "oto_crm")
class TestPasswordChanges(AccountsCommon):
    def test_reset_by_email_applies_the_policy(self):
        ana = self.user_seller
        self.env["ir.config_parameter"].sudo().set_param(
            "auth_signup.reset_password", "True"
        )
        ana._change_password("Temporaria#2026")  # given by an admin
        ana.partner_id.sudo().signup_prepare(signup_type="reset")
        token = ana.partner_id.sudo()._generate_signup_token()
        url = f"/web/reset_password?token={token}"
        for weak, problem in (
            ("Aurora 2026x", "a space does not count"),  # a space is not special
            ("curta#1A", "at least 10 characters"),
        ):
            page = self.url_open(url)
            answer = self.url_open(
                url,
                data={
                    "csrf_token": _csrf(page.text),
                    "token": token,
                    "login": ana.login,
                    "password": weak,
                    "confirm_password": weak,
                },
            )
            self.assertIn(problem, answer.text)
        self.assertNotIn(
            "a space does not count",
            self.url_open(url).text,
            "(the message is the policy's, not the page's)",
        )
        # Refused before the link was used: it still works.
        page = self.url_open(url)
        self.url_open(
            url,
            data={
                "csrf_token": _csrf(page.text),
                "token": token,
                "login": ana.login,
                "password": "Aurora#2026x",
                "confirm_password": "Aurora#2026x",
            },
        )
        # Her own choice: not temporary.
        self.assertFalse(ana.sudo().oto_password_temporary)
        self.assertTrue(self._sign_in(ana.login, "Aurora#2026x")[0])

    def test_the_password_set_over_rpc_follows_the_policy(self):
        system = self.env.ref("base.user_admin")
        with self.assertRefused(UserError, "a special character"):
            self.user_seller.with_user(system).write({"password": "Aurora 2026x"})
        self.user_seller.with_user(system).write({"password": "Aurora#2026x"})
        # Given by someone else: temporary.
        self.assertTrue(self.user_seller.sudo().oto_password_temporary)

    def test_the_erp_s_administrator_keeps_the_business_s_password_rules(self):
        # A brand admin since the install, and the ERP's administrator: a
        # password another administrator gives follows Odoo's rules and is
        # not temporary.
        system = new_test_user(
            self.env,
            "oto_other_system",
            groups="base.group_system,oto_crm.oto_crm_group_admin",
        )
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("oto_crm.oto_crm_group_admin"))
        admin.with_user(system).write({"password": "admin 2026"})
        self.assertFalse(admin.sudo().oto_password_temporary)
        self.assertTrue(self._sign_in(admin.login, "admin 2026")[0])

    def test_a_temporary_password_stops_every_call_but_its_change(self):
        ana = self.user_seller
        ana._change_password("Temporaria#2026")
        self.assertTrue(ana.sudo().oto_password_temporary)
        self.authenticate(ana.login, "Temporaria#2026")
        for model, method, args in (
            ("res.partner", "search_read", [[], ["name"]]),
            ("oto.suggestion", "get_seller_day", []),
            ("res.users", "read", [[ana.id], ["name"]]),
        ):
            with self.subTest(method=method):
                body = self._call(model, method, args)
                self.assertEqual(
                    body["error"]["data"]["name"], "odoo.exceptions.AccessDenied"
                )
                self.assertIn("/oto/password", body["error"]["data"]["message"])
        with mute_logger("odoo.http"):
            info = self.url_open(
                "/web/session/get_session_info",
                data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": {}}),
                headers={"Content-Type": "application/json"},
            ).json()
        self.assertIn("error", info)
        # A web page sends to the password page, which opens.
        response = self.url_open("/odoo/action-oto_crm.oto_crm_action_my_day")
        self.assertTrue(response.url.endswith("/oto/password"))
        page = self.url_open("/oto/password")
        self.assertIn("Choose your own password", page.text)
        # The change itself, then every call goes on.
        done = self.url_open(
            "/oto/password",
            data={
                "csrf_token": _csrf(page.text),
                "old_password": "Temporaria#2026",
                "new_password": "Minha#Senha2026",
                "confirm_password": "Minha#Senha2026",
            },
            allow_redirects=False,
        )
        self.assertEqual(done.status_code, 303)
        self.assertFalse(ana.sudo().oto_password_temporary)
        body = self._call("res.users", "read", [[ana.id], ["name"]])
        self.assertEqual(body["result"][0]["name"], ana.name)

    def test_signing_out_is_allowed(self):
        ana = self.user_seller
        ana._change_password("Temporaria#2026")
        self.authenticate(ana.login, "Temporaria#2026")
        body = json.loads(
            self.url_open(
                "/web/session/destroy",
                data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": {}}),
                headers={"Content-Type": "application/json"},
            ).text
        )
        self.assertNotIn("error", body)
        self.assertFalse(self.url_open("/web/session/logout").history[-1:] == [])
