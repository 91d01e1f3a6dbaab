# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Oto app on the phone, server side: what a day offline sends when
the connection is back (once, in order, at the moments it was recorded),
the app installable as "Oto" (Odoo's web manifest and service worker), the
morning notification through Odoo's web push to a push service on this
machine, a passkey that the phone lost, and the help centre."""

import json
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .common import call_kw
from .push_receiver import PushReceiver
from .test_suggestions import NOW, TODAY, SuggestionsCommon

PASSWORD = "Oto@phone2026"


class PhoneCommon(SuggestionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env,
            "oto_pwa_ana",
            password=PASSWORD,
            groups="oto_crm.oto_crm_group_seller",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.ana.user_id = cls.user
        cls.bia_user = new_test_user(
            cls.env,
            "oto_pwa_bia",
            password=PASSWORD,
            groups="oto_crm.oto_crm_group_seller",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.bia.user_id = cls.bia_user

    def _as(self, record, user=None):
        # As the web client calls: in the user's company and language.
        user = user or self.user
        return record.with_user(user).with_context(
            allowed_company_ids=[self.company.id], lang=user.lang
        )

    def _day(self, count=3):
        customers = self._customers(count, self.ana)
        self._campaign("Nova coleção")
        self._generate()
        return self._suggestions(seller_id=self.ana.id).sorted(
            lambda s: s.partner_id.id
        ), customers


@tagged("post_install", "-at_install", "oto_crm")
@freeze_time(NOW)
class TestOfflineDay(PhoneCommon):
    """The contacts a seller recorded with the phone offline, as the app
    sends them back: one call each, in the order recorded, each with its
    key and the moment it was recorded; sent again (an answer lost on the
    way), nothing is recorded twice."""

    def _send(self, suggestion, key, moment, **values):
        return self._as(suggestion).oto_record_outcome(
            {
                "key": key,
                "channel": "whatsapp",
                "reached": "yes",
                "result": "positive",
                "recorded_at": fields.Datetime.to_string(moment),
                **values,
            }
        )

    def test_a_day_offline_arrives_once_in_order_at_its_moments(self):
        suggestions, _customers = self._day(3)
        # Recorded yesterday afternoon, sent this morning.
        moments = [NOW - timedelta(hours=20, minutes=m) for m in (30, 20, 10)]
        keys = [f"offline-day-{n:04d}" for n in range(3)]
        for suggestion, key, moment in zip(suggestions, keys, moments, strict=True):
            self.assertFalse(self._send(suggestion, key, moment)["already"])
        # The phone did not hear the answers: it sends the whole day again.
        for suggestion, key, moment in zip(suggestions, keys, moments, strict=True):
            self.assertTrue(self._send(suggestion, key, moment)["already"])
        contacts = self.env["oto.contact"].search(
            [("client_key", "in", keys)], order="id"
        )
        self.assertEqual(contacts.mapped("client_key"), keys)
        self.assertEqual(contacts.mapped("date"), moments)
        self.assertEqual(set(suggestions.mapped("state")), {"done"})

    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        resends=st.lists(st.integers(min_value=0, max_value=3), max_size=8),
        lost=st.sets(st.integers(min_value=0, max_value=3)),
    )
    def test_any_resending_records_each_contact_once(self, resends, lost):
        """Whatever the phone sends again (answers lost at any point, a
        contact sent twice later), each recorded contact exists once, with
        its own moment, and the first send of each decides its order."""
        with self.env.cr.savepoint(flush=False) as savepoint:
            suggestions, _customers = self._day(4)
            moments = [NOW - timedelta(hours=3, minutes=10 * n) for n in range(4)]
            keys = [f"prop-{n:04d}-{len(resends)}" for n in range(4)]
            order = [n for n in range(4) if n not in lost] + sorted(lost) + resends
            for n in order:
                self._send(suggestions[n], keys[n], moments[n])
            contacts = self.env["oto.contact"].search(
                [("client_key", "in", keys)], order="id"
            )
            first = list(dict.fromkeys(order))
            self.assertEqual(contacts.mapped("client_key"), [keys[n] for n in first])
            self.assertEqual(contacts.mapped("date"), [moments[n] for n in first])
            savepoint.rollback()

    def test_the_moment_recorded_is_kept_and_checked(self):
        suggestions, _customers = self._day(3)
        # A phone's clock ahead: now.
        self._send(suggestions[0], "clock-ahead-0001", NOW + timedelta(hours=2))
        self.assertEqual(suggestions[0].contact_ids.date, NOW)
        # Not a date: refused, nothing recorded.
        with self.assertRaisesRegex(UserError, "not a date"):
            self._as(suggestions[1]).oto_record_outcome(
                {
                    "key": "not-a-date-0001",
                    "reached": "yes",
                    "recorded_at": "yesterday at ten",
                }
            )
        self.assertFalse(suggestions[1].contact_ids)
        # Three days offline: a seller records today's or yesterday's.
        with self.assertRaisesRegex(ValidationError, "today or yesterday"):
            self._send(suggestions[1], "too-old-0001", NOW - timedelta(days=3))
        self.assertFalse(suggestions[1].contact_ids)

    def test_a_suggestion_given_to_another_seller_meanwhile_says_so(self):
        """The app shows the server's reason and takes the contact out of
        its queue: nothing recorded, and the seller knows why."""
        suggestions, _customers = self._day(2)
        suggestions[1].seller_id = self.bia
        with self.assertRaisesRegex(AccessError, "no longer in your list"):
            self._send(suggestions[1], "reassigned-0001", NOW - timedelta(hours=1))
        self.assertFalse(suggestions[1].contact_ids)
        # The rest of the day still arrives.
        self._send(suggestions[0], "still-mine-0001", NOW - timedelta(hours=1))
        self.assertEqual(suggestions[0].state, "done")

    def test_profiles_kept_on_the_phone_are_the_sellers_customers_only(self):
        _suggestions, customers = self._day(2)
        other = self._customer("Cliente da Bia", self.bia, "+5511912340000")
        outsider = self._customer("Cliente de Caio", self.caio, "+5511912340001")
        profiles = self._as(customers | other | outsider).oto_get_profiles()
        self.assertEqual({p["id"] for p in profiles}, set(customers.ids))
        self.assertTrue(all(p["mine"] for p in profiles))

    def test_the_day_says_what_the_phone_app_needs(self):
        self._day(1)
        day = self._as(self.env["oto.suggestion"]).get_seller_day()
        self.assertTrue(day["personal"])
        self.assertFalse(day["shared_login"])
        self.assertFalse(day["morning_push"])
        self.assertEqual(day["pin_idle_minutes"], self.company.oto_pin_idle_minutes)


@tagged("post_install", "-at_install", "oto_crm")
class TestMorningNotification(PhoneCommon, HttpCase):
    """ "Your N customers for today", through Odoo's web push, read by a
    push service on this machine as the phone would read it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receiver = PushReceiver().start()
        cls.addClassCleanup(cls.receiver.stop)
        # Hours of the brand (São Paulo): 07:00 and 11:00.
        cls.early = datetime(2026, 11, 23, 10, 0)
        cls.late = datetime(2026, 11, 23, 14, 0)

    def _subscribe(self, login, path="/push/"):
        """The phone's browser subscribed and told Odoo (over HTTP, as the
        seller): what ``mail.push.device.register_devices`` received."""
        self.authenticate(login, PASSWORD)
        key = call_kw(self, "mail.push.device", "get_web_push_vapid_public_key", [])
        subscription = self.receiver.subscribe(path)
        answer = call_kw(
            self,
            "mail.push.device",
            "register_devices",
            [],
            {**subscription, "vapid_public_key": key["result"]},
        )
        self.assertNotIn("error", answer)
        return subscription

    def _opt_in(self, login, enabled=True):
        self.authenticate(login, PASSWORD)
        answer = call_kw(self, "oto.seller", "oto_set_morning_push", [enabled])
        self.assertNotIn("error", answer, answer.get("error"))
        return answer["result"]

    def _run(self, moment):
        self.receiver.received.clear()
        with freeze_time(moment):
            sent = self.env["oto.seller"]._cron_morning_push()
        self.env["mail.push"]._push_notification_to_endpoint()
        return sent

    def test_the_morning_notification_reaches_the_subscribed_phone(self):
        with freeze_time(NOW):
            suggestions, _customers = self._day(3)
        phone = self._subscribe("oto_pwa_ana")
        gone = self._subscribe("oto_pwa_ana", "/gone/")
        answer = self._opt_in("oto_pwa_ana")
        self.assertEqual(answer, {"morning_push": True, "devices": 2})
        # Before the brand's morning hour: nothing.
        self.assertEqual(self._run(self.early), 0)
        self.assertFalse(self.receiver.received)
        self.assertEqual(self._run(self.late), 1)
        paths = sorted(path for path, _headers, _body in self.receiver.received)
        self.assertEqual(
            paths,
            sorted(s["endpoint"][len(self.receiver.base_url) :] for s in (phone, gone)),
        )
        path, headers, body = next(
            r for r in self.receiver.received if r[0].startswith("/push/")
        )
        # Signed with the database's VAPID key (Odoo's), encrypted for the
        # phone alone.
        vapid = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("mail.web_push_vapid_public_key")
        )
        self.assertTrue(headers["Authorization"].endswith(f"k={vapid}"))
        self.assertEqual(headers["Content-Encoding"], "aes128gcm")
        payload = self.receiver.payload(path, body)
        self.assertEqual(payload["title"], "Oto: your 3 customers for today")
        self.assertIn("Your 3 customers for today", payload["options"]["body"])
        self.assertEqual(payload["options"]["tag"], "oto-morning")
        # The subscription the phone dropped (410) is gone, without a word
        # to the seller; the other stays.
        devices = (
            self.env["mail.push.device"]
            .sudo()
            .search([("partner_id", "=", self.user.partner_id.id)])
        )
        self.assertEqual(devices.mapped("endpoint"), [phone["endpoint"]])
        # Once a day.
        self.assertEqual(self._run(self.late + timedelta(hours=2)), 0)
        self.assertFalse(self.receiver.received)
        # The day after, with one customer worked: the count of the day.
        self._as(suggestions[0]).oto_record_outcome(
            {"key": "morning-next-0001", "reached": "yes", "result": "neutral"}
        )
        self.assertEqual(self._run(self.late + timedelta(days=1)), 1)
        ((path, _headers, body),) = self.receiver.received
        self.assertEqual(
            self.receiver.payload(path, body)["title"],
            "Oto: your 2 customers for today",
        )

    def test_no_notification_when_not_asked_day_off_or_nobody_waits(self):
        with freeze_time(NOW):
            self._day(2)
        self._subscribe("oto_pwa_ana")
        self._subscribe("oto_pwa_bia")
        # Ana did not ask; Bia asked but nobody waits for her.
        self._opt_in("oto_pwa_bia")
        self.assertEqual(self._run(self.late), 0)
        # Ana asks, then takes the day off.
        self._opt_in("oto_pwa_ana")
        self.env["oto.seller.dayoff"].create(
            {"seller_id": self.ana.id, "date_from": TODAY, "date_to": TODAY}
        )
        self.assertEqual(self._run(self.late), 0)
        self.assertFalse(self.receiver.received)
        # Turned off again.
        self.assertEqual(self._opt_in("oto_pwa_ana", False)["morning_push"], False)
        self.assertFalse(self.ana.morning_push)

    def test_the_store_phone_is_nobody_s_to_notify(self):
        """On a store's shared phone the seller identified by PIN cannot turn
        the notification on (it would ring on everybody's phone)."""
        self.company.oto_login_mode = "store"
        store_user = new_test_user(
            self.env,
            "oto_pwa_store",
            password=PASSWORD,
            groups="oto_crm.oto_crm_group_seller",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self.store.user_id = store_user
        self.bia.user_id = False
        self.bia.sudo()._set_pin("2468")
        self.authenticate("oto_pwa_store", PASSWORD)
        login = call_kw(self, "oto.seller", "oto_pin_login", [self.bia.id, "2468"])
        self.assertTrue(login["result"]["ok"])
        answer = call_kw(self, "oto.seller", "oto_set_morning_push", [True])
        self.assertIn("your own phone", answer["error"]["data"]["message"])
        self.assertFalse(self.bia.morning_push)

    def test_the_morning_hour_is_an_hour(self):
        with self.assertRaisesRegex(ValidationError, "from 0 to 23"):
            self.company.oto_morning_push_hour = 24


@tagged("post_install", "-at_install", "oto_crm")
class TestInstallable(PhoneCommon, HttpCase):
    """The app installable to the home screen as "Oto": Odoo's manifest and
    service worker, made Oto's for the people who work in it."""

    def _manifest(self):
        response = self.url_open("/web/manifest.webmanifest")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.headers["Content-Type"].split(";")[0], "application/manifest+json"
        )
        return response.json()

    def test_the_seller_installs_oto_opening_on_my_day(self):
        self.authenticate("oto_pwa_ana", PASSWORD)
        manifest = self._manifest()
        self.assertEqual((manifest["name"], manifest["short_name"]), ("Oto", "Oto"))
        self.assertEqual(manifest["start_url"], "/odoo/my-day")
        self.assertEqual(manifest["scope"], "/odoo")
        self.assertEqual(manifest["display"], "standalone")
        sizes = {icon["sizes"] for icon in manifest["icons"]}
        self.assertTrue({"192x192", "512x512"} <= sizes)
        for icon in manifest["icons"]:
            image = self.url_open(icon["src"])
            self.assertEqual(image.status_code, 200, icon["src"])
            self.assertEqual(image.headers["Content-Type"], "image/png")
        # The start page is the seller's day (the client action's path).
        action = self.env.ref("oto_crm.oto_crm_action_my_day")
        self.assertEqual(f"/odoo/{action.path}", manifest["start_url"])
        self.assertEqual(self.url_open(manifest["start_url"]).status_code, 200)
        # The service worker opens the day from the morning notification.
        worker = self.url_open("/web/service-worker.js")
        self.assertEqual(worker.headers["Service-Worker-Allowed"], "/odoo")
        self.assertIn('tag.startsWith("oto-")', worker.text)
        self.assertIn('"/odoo/my-day"', worker.text)

    def test_everyone_else_gets_odoo_s_own(self):
        """A guest in someone's ERP: a user without Oto, and a visitor, see
        Odoo's manifest unchanged."""
        new_test_user(self.env, "oto_pwa_accountant", password=PASSWORD)
        self.authenticate("oto_pwa_accountant", PASSWORD)
        self.assertNotEqual(self._manifest()["name"], "Oto")
        self.assertEqual(self._manifest()["start_url"], "/odoo")
        self.authenticate(None, None)
        self.assertEqual(self._manifest()["start_url"], "/odoo")
        self.assertNotIn("oto-", self.url_open("/web/service-worker.js").text)

    def test_the_app_is_kept_for_oto_logins_only(self):
        """The service worker keeps the app for opening offline only for
        the login the server names on its pages (Oto's people, by database
        and user); Odoo's offline page stays for everyone else, and the
        worker's Oto part answers before Odoo's."""
        self.authenticate("oto_pwa_ana", PASSWORD)
        page = self.url_open("/odoo/my-day")
        self.assertEqual(page.status_code, 200)
        self.assertEqual(
            page.headers["X-Oto-Offline"], f"{self.env.cr.dbname}:{self.user.id}"
        )
        worker = self.url_open("/web/service-worker.js").text
        self.assertLess(
            worker.index('const OTO_LOGIN_HEADER = "X-Oto-Offline"'),
            worker.index('const cacheName = "odoo-sw-cache"'),
        )
        # Another login: its own name, never Ana's.
        self.authenticate("oto_pwa_bia", PASSWORD)
        self.assertEqual(
            self.url_open("/odoo").headers["X-Oto-Offline"],
            f"{self.env.cr.dbname}:{self.bia_user.id}",
        )
        # A user of the business without Oto: nothing kept.
        new_test_user(self.env, "oto_pwa_buyer", password=PASSWORD)
        self.authenticate("oto_pwa_buyer", PASSWORD)
        page = self.url_open("/odoo")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("X-Oto-Offline", page.headers)
        # The ERP's administrator, brand admin too: their back office is
        # not kept on a device.
        new_test_user(
            self.env,
            "oto_pwa_sysadmin",
            password=PASSWORD,
            groups="base.group_system,oto_crm.oto_crm_group_admin",
        )
        self.authenticate("oto_pwa_sysadmin", PASSWORD)
        page = self.url_open("/odoo")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("X-Oto-Offline", page.headers)
        worker = self.url_open("/web/service-worker.js").text
        # The sign-in page (a session that ended) forgets every copy, and
        # a copy older than a session is not opened.
        self.assertIn('["/web/login", "/web/session/logout"]', worker)
        self.assertIn("otoFresh(kept)", worker)
        # Signed out: the sign-in page, nothing named.
        self.authenticate(None, None)
        page = self.url_open("/odoo/my-day", allow_redirects=False)
        self.assertEqual(page.status_code, 303)
        self.assertNotIn("X-Oto-Offline", page.headers)


@tagged("post_install", "-at_install", "oto_crm")
class TestPasskeyLost(PhoneCommon, HttpCase):
    """Face ID / Touch ID are Odoo's passkeys: a passkey removed on the
    phone (or never registered) signs nobody in, and the password still
    works."""

    def _login(self, **values):
        """The sign-in page's form, posted as the browser posts it."""
        page = self.url_open("/web/login").text
        marker = 'name="csrf_token" value="'
        start = page.index(marker) + len(marker)
        csrf = page[start : page.index('"', start)]
        return self.url_open(
            "/web/login",
            data={"csrf_token": csrf, "redirect": "/odoo/my-day", **values},
            allow_redirects=False,
        )

    def _signed_in(self):
        response = self.url_open("/odoo/my-day", allow_redirects=False)
        return response.status_code == 200

    def test_a_passkey_lost_on_the_phone_leaves_the_password(self):
        # Ana had set up Face ID: the key is on the server...
        self.env["auth.passkey.key"].with_user(self.user).sudo().create(
            {"name": "Celular da Ana", "credential_identifier": "lost-credential-1"}
        )
        self.env.cr.execute(
            SQL(
                "UPDATE auth_passkey_key SET public_key = %s, create_uid = %s "
                "WHERE credential_identifier = %s",
                "pQECAyYgASFYIC9qeo73FrgjE0ZpGRwxLIG50L4kNlhj2DIyqSc_YiRSIlgg2q6bL2-"
                "IoJ6j_GkVTdfPKyx8RF5e8wzX9-Zk37AykM8=",
                self.user.id,
                "lost-credential-1",
            )
        )
        # ...the phone answers with a credential it no longer has the key
        # of (reset, another phone): refused, nobody signed in.
        with mute_logger("odoo.addons.base.models.res_users", "odoo.http"):
            response = self._login(
                type="webauthn",
                webauthn_response=json.dumps(
                    {"id": "credential-the-phone-made-up", "response": {}}
                ),
            )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Unknown passkey", response.text)
        self.assertFalse(self._signed_in())
        # The password still works.
        response = self._login(login="oto_pwa_ana", password=PASSWORD)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/odoo/my-day"))
        self.assertTrue(self._signed_in())


@tagged("post_install", "-at_install", "oto_crm")
class TestHelpCentre(PhoneCommon):
    """Seed 000's best practices and seed 001's FAQ, in the seller's
    language, from every seller's screen (the app searches them)."""

    def test_the_help_in_portuguese_for_the_seller(self):
        if not self.env["res.lang"]._lang_get("pt_BR"):
            self.env["res.lang"]._activate_lang("pt_BR")
            self.env["ir.module.module"].search(
                [("name", "=", "oto_crm")]
            )._update_translations("pt_BR")
        self.user.lang = "pt_BR"
        help_pt = self._as(self.env["oto.help.article"]).get_help()
        self.user.lang = "en_US"
        help_en = self._as(self.env["oto.help.article"]).get_help()
        sections = [s["key"] for s in help_pt["sections"]]
        self.assertEqual(
            sections, ["start", "day", "whatsapp", "data", "wallet", "faq"]
        )
        self.assertEqual(help_pt["sections"][2]["name"], "Boas práticas no WhatsApp")
        self.assertGreaterEqual(len(help_pt["articles"]), 20)
        # Every article translated: title, text and search words.
        for pt, en in zip(help_pt["articles"], help_en["articles"], strict=True):
            self.assertEqual(pt["id"], en["id"])
            for key in ("name", "body", "keywords"):
                self.assertNotEqual(pt[key], en[key], (key, en["name"]))
        names = [a["name"] for a in help_pt["articles"]]
        self.assertIn("O que é a quarentena?", names)
        self.assertIn("Use o 4G em vez do Wi-Fi; converse, não apenas fale", names)

    def test_sellers_read_the_help_the_brand_writes_it(self):
        Article = self.env["oto.help.article"]
        article = Article.create(
            {
                "name": "Troca de mercadoria",
                "section": "faq",
                "body": "Até 30 dias.",
                "company_id": self.company.id,
            }
        )
        self.assertIn(
            article.id, [a["id"] for a in self._as(Article).get_help()["articles"]]
        )
        with self.assertRaises(AccessError):
            self._as(article).write({"body": "Sem troca."})
        with self.assertRaises(AccessError):
            self._as(Article).create({"name": "x", "body": "y"})
        article.active = False
        self.assertNotIn(
            article.id, [a["id"] for a in self._as(Article).get_help()["articles"]]
        )
        admin = new_test_user(
            self.env,
            "oto_pwa_admin",
            groups="oto_crm.oto_crm_group_admin",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self._as(article, admin).write({"active": True, "body": "Até 60 dias."})
        self.assertEqual(article.body, "Até 60 dias.")
        # The help shipped with Oto is every brand's: not one brand's to
        # rewrite; another brand does not read this brand's own.
        shipped = Article.search([("company_id", "=", False)], limit=1)
        self.assertTrue(shipped)
        with self.assertRaises(AccessError):
            self._as(shipped, admin).write({"body": "Nossa versão."})
        other = self.env["res.company"].create({"name": "Franquia Sul"})
        franchise_admin = new_test_user(
            self.env,
            "oto_pwa_franchise",
            groups="oto_crm.oto_crm_group_admin",
            company_id=other.id,
            company_ids=[other.id],
        )
        seen = (
            Article.with_user(franchise_admin)
            .with_context(allowed_company_ids=[other.id])
            .get_help()["articles"]
        )
        self.assertNotIn(article.id, [a["id"] for a in seen])
        self.assertIn(shipped.id, [a["id"] for a in seen])
        with self.assertRaises(AccessError):
            article.with_user(franchise_admin).with_context(
                allowed_company_ids=[other.id]
            ).write({"body": "Deles."})
