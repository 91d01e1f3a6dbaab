# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Oto app on Ana's phone (390x844, the demo brand, in pt_BR): the
install prompt's conditions (Chromium says it is installable), a day with
the network cut (DevTools' network emulation) and its sync when it comes
back, the morning notification (turned on in the app, received by a push
service on this machine), and Face ID / Touch ID (a passkey made and used
with Chromium's virtual authenticator). Tours in
``static/src/js/tours/oto_crm_phone_app.js``."""

from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import freeze_time, tagged

from .common import call_kw
from .push_receiver import PushReceiver
from .test_journeys import DEMO_PASSWORDS, JourneyCommon


def _installable(test, browser, done):
    """Chromium's own verdict on the install prompt (its installability
    errors, the manifest it read)."""
    answer = {}

    def errors(future):
        answer["errors"] = future.result().get("installabilityErrors", [])
        browser._websocket_send(
            "Page.getAppManifest", with_future=True
        ).add_done_callback(manifest)

    def manifest(future):
        answer["manifest"] = future.result().get("url", "")
        test.installability = answer
        done(answer)

    browser._websocket_send(
        "Page.getInstallabilityErrors", with_future=True
    ).add_done_callback(errors)


def _network(offline):
    def command(test, browser, done):
        test.network_log.append((offline, fields.Datetime.now()))
        browser._websocket_send("Network.enable")
        browser._websocket_send(
            "Network.emulateNetworkConditions",
            params={
                "offline": offline,
                "latency": 0,
                "downloadThroughput": -1,
                "uploadThroughput": -1,
            },
            with_future=True,
        ).add_done_callback(lambda _future: done(offline))

    return command


def _reassign(test, browser, done, suggestion_id):
    """The store manager gives the customer to another seller while Ana's
    phone is offline (no request of hers reaches the server meanwhile)."""
    suggestion = test.env["oto.suggestion"].browse(int(suggestion_id))
    suggestion.seller_id = test.sellers["Bruno Oliveira"]
    test.reassigned = suggestion
    test.env.flush_all()
    done(suggestion.id)


def _grant_notifications(test, browser, done):
    browser._websocket_send(
        "Browser.grantPermissions",
        params={"permissions": ["notifications"], "origin": test.base_url()},
        with_future=True,
    ).add_done_callback(lambda _future: done(True))


@tagged("post_install", "-at_install", "oto_crm", "oto_tour")
class TestPhoneAppJourneys(JourneyCommon):
    browser_commands = {
        "installable": _installable,
        "offline": _network(True),
        "online": _network(False),
        "reassign": _reassign,
        "grant-notifications": _grant_notifications,
    }
    virtual_authenticator = False

    def setUp(self):
        super().setUp()
        self.network_log = []
        self.installability = None
        self.reassigned = None

    def authenticate(self, user, password, browser=None):
        session = super().authenticate(user, password, browser=browser)
        if browser and self.virtual_authenticator:
            # Face ID / Touch ID: Chromium's virtual platform authenticator,
            # the user verified at each use.
            browser._websocket_request("WebAuthn.enable")
            browser._websocket_request(
                "WebAuthn.addVirtualAuthenticator",
                params={
                    "options": {
                        "protocol": "ctap2",
                        "transport": "internal",
                        "hasResidentKey": True,
                        "hasUserVerification": True,
                        "isUserVerified": True,
                        "automaticPresenceSimulation": True,
                    }
                },
            )
        return session

    def _tour(self, tour, login="ana.souza", url="/odoo"):
        with self._screenshots():
            self.start_tour(url, tour, login=login, timeout=240)

    def test_installable_with_help_inside(self):
        """The install prompt's conditions: the manifest served (Oto, start
        page My day), Odoo's service worker running; Chromium finds nothing
        missing. The help centre from the header, searched."""
        self._tour("oto_crm_phone_install")
        self.assertEqual(self.installability["errors"], [])

    def test_a_day_with_the_network_cut(self):
        """Three contacts recorded with the network cut, a profile opened
        from the phone; back online they arrive once, in order, at the
        moments recorded; the one given to another seller meanwhile is not
        recorded, and the phone says why."""
        ana = self.sellers["Ana Souza"]
        before = self.env["oto.contact"].search([("seller_id", "=", ana.id)])
        self._tour("oto_crm_phone_offline")
        (cut, cut_at), (back, back_at) = self.network_log
        self.assertEqual((cut, back), (True, False))
        contacts = (
            self.env["oto.contact"].search([("seller_id", "=", ana.id)]) - before
        ).sorted("id")
        self.assertEqual(len(contacts), 2)
        self.assertEqual(
            [(c.reached, c.result, c.reason) for c in contacts],
            [("yes", "positive", False), ("no", False, "no_answer")],
        )
        # Recorded while offline (before the network came back), in order.
        first, second = contacts
        self.assertTrue(cut_at - timedelta(seconds=1) <= first.date <= second.date)
        self.assertLessEqual(second.date, back_at)
        self.assertTrue(all(c.client_key for c in contacts))
        self.assertEqual(set(contacts.suggestion_id.mapped("state")), {"done"})
        # The reassigned customer: nothing recorded for Ana.
        self.assertTrue(self.reassigned)
        self.assertFalse(self.reassigned.contact_ids)
        self.assertEqual(self.reassigned.seller_id.name, "Bruno Oliveira")

    def test_the_morning_notification(self):
        """Turned on in the app; then the morning's push reaches the phone's
        subscribed endpoint (a push service on this machine) with her count
        of customers for today, in her language."""
        ana = self.sellers["Ana Souza"]
        self._tour("oto_crm_phone_push")
        self.assertTrue(ana.morning_push)
        # Headless Chromium has no push service of its own: what it could
        # subscribe is left out, the phone's push service is this one.
        partner = self.users["ana.souza"].partner_id
        self.env["mail.push.device"].sudo().search(
            [("partner_id", "=", partner.id)]
        ).unlink()
        receiver = PushReceiver().start()
        self.addCleanup(receiver.stop)
        self.authenticate("ana.souza", DEMO_PASSWORDS["ana.souza"])
        key = call_kw(self, "mail.push.device", "get_web_push_vapid_public_key", [])
        subscription = receiver.subscribe()
        call_kw(
            self,
            "mail.push.device",
            "register_devices",
            [],
            {**subscription, "vapid_public_key": key["result"]},
        )
        waiting = len(
            self.env["oto.suggestion"]
            .search(
                [
                    ("seller_id", "=", ana.id),
                    ("state", "in", ("backlog", "assigned", "in_progress")),
                ]
            )
            .partner_id
        )
        self.assertGreater(waiting, 1)
        ana.morning_push_date = False
        afternoon = datetime.combine(self.today, datetime.min.time()) + timedelta(
            hours=17
        )
        with freeze_time(afternoon):
            self.assertEqual(self.env["oto.seller"]._cron_morning_push(), 1)
        self.env["mail.push"]._push_notification_to_endpoint()
        ((path, _headers, body),) = receiver.received
        payload = receiver.payload(path, body)
        self.assertEqual(payload["title"], f"Oto: seus {waiting} clientes de hoje")
        self.assertEqual(payload["options"]["tag"], "oto-morning")

    def test_the_store_phone_forgets_a_seller_s_day(self):
        """The store's shared phone: each seller's day is kept in the page
        only, forgotten when they hand it over (PIN) and when they leave it
        idle, also offline: the next seller never sees it."""
        self._tour("oto_crm_phone_store_device", login="loja.sp01")

    def test_face_id_sign_in(self):
        """Face ID / Touch ID for a personal login: a passkey made from the
        Me tab (after her password), then the sign-in page's passkey button
        signs her in, onto her day."""
        base = f"http://localhost:{self.http_port()}"
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("web.base.url", base)
        params.set_param("web.base.url.freeze", True)
        self.virtual_authenticator = True
        user = self.users["ana.souza"]
        self.assertFalse(user.auth_passkey_key_ids)
        self._tour("oto_crm_phone_passkey", login=None, url=f"{base}/web/login")
        self.assertEqual(user.auth_passkey_key_ids.mapped("name"), ["Celular da Ana"])
