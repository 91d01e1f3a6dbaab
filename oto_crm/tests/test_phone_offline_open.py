# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Oto app opened without a connection, in a real Chromium at 390x844
on the demo brand: the seller opens My day once online, the phone loses the
network (DevTools' network emulation on the page and on its service worker
and shared worker), the app is opened again (the page reloaded) and shows
the day kept on the phone; a contact recorded then is sent once when the
network is back. Signing out, or another login opening Odoo in that
browser, leaves nothing of the seller's login in the browser's caches; a
user without Oto gets Odoo's own offline page, as ever."""

import json
import logging
import time
import urllib.request

import websocket

from odoo.tests import new_test_user, tagged
from odoo.tests.common import ChromeBrowser

from .test_journeys import DEMO_PASSWORDS, JourneyCommon

CACHE_PREFIX = "oto-offline:"


class DevTools:
    """The page of Odoo's test Chromium, and its workers, as DevTools
    drives them: what a tour cannot do (cut the network of a service
    worker, reload the page with it cut)."""

    def __init__(self, test, browser):
        self.test = test
        self.browser = browser
        self.workers = {}
        browser._websocket_request("Network.enable")

    def js(self, expression):
        answer = self.browser._websocket_request(
            "Runtime.evaluate",
            params={
                "expression": expression,
                "awaitPromise": True,
                "returnByValue": True,
            },
            timeout=30,
        )
        if "exceptionDetails" in answer:
            raise AssertionError(f"{expression}: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def wait(self, expression, message, timeout=60):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            try:
                if self.js(f"(async () => !!(await ({expression})))()"):
                    return
            except (AssertionError, TimeoutError) as error:
                last = error  # The page is loading: asked again.
            time.sleep(0.25)
        self.browser.take_screenshot()
        self.test.fail(f"{message} ({expression}; last error: {last})")

    def click(self, selector):
        self.wait(f"document.querySelector({json.dumps(selector)})", selector)
        self.js(f"document.querySelector({json.dumps(selector)}).click()")

    def _targets(self):
        url = f"http://127.0.0.1:{self.browser.devtools_port}/json"
        with urllib.request.urlopen(url, timeout=5) as answer:
            return json.load(answer)

    def _worker(self, target):
        """A DevTools connection to a worker (the service worker, the bus's
        shared worker): they have their own network."""
        if target["id"] not in self.workers:
            connection = websocket.create_connection(
                target["webSocketDebuggerUrl"], timeout=10, suppress_origin=True
            )
            self.workers[target["id"]] = [connection, 0]
            self._send(target["id"], "Network.enable")
        return target["id"]

    def _send(self, worker, method, **params):
        entry = self.workers[worker]
        entry[1] += 1
        entry[0].send(json.dumps({"id": entry[1], "method": method, "params": params}))
        while True:
            message = json.loads(entry[0].recv())
            if message.get("id") == entry[1]:
                return message

    def network(self, online):
        """The phone's network on or off, for the page and its workers."""
        conditions = {
            "offline": not online,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": -1,
        }
        self.browser._websocket_request(
            "Network.emulateNetworkConditions", params=conditions
        )
        workers = [
            target
            for target in self._targets()
            if target["type"] in ("service_worker", "shared_worker")
        ]
        self.test.assertIn(
            "service_worker", {target["type"] for target in workers}, workers
        )
        for target in workers:
            answer = self._send(
                self._worker(target), "Network.emulateNetworkConditions", **conditions
            )
            self.test.assertNotIn("error", answer, target)

    def reload(self):
        self.browser._websocket_request("Page.reload", params={})
        time.sleep(1)
        self.wait("document.readyState === 'complete'", "the page loads again")

    def caches(self):
        """The browser's caches of this site: name -> the paths kept."""
        return self.js(
            """(async () => {
                const out = {};
                for (const name of await caches.keys()) {
                    const cache = await caches.open(name);
                    out[name] = (await cache.keys()).map(
                        (request) => request.url.replace(location.origin, ""));
                }
                return out;
            })()"""
        )

    def close(self):
        for connection, _count in self.workers.values():
            connection.close()


def _unused_preconnection(record):
    """Chromium opens a connection ahead of the page it reloads; offline,
    the service worker answers the page and the connection stays unused,
    which the test server logs when its socket times out (5 s in tests)."""
    return "] Request timed out: " not in record.getMessage()


@tagged("post_install", "-at_install", "oto_crm", "oto_tour")
class TestAppOpenedOffline(JourneyCommon):
    def _browser(self, login):
        werkzeug = logging.getLogger("werkzeug")
        werkzeug.addFilter(_unused_preconnection)
        self.addCleanup(werkzeug.removeFilter, _unused_preconnection)
        browser = ChromeBrowser(self)
        self.addCleanup(self._wait_remaining_requests)
        self.addCleanup(browser.stop)
        self.authenticate(login, DEMO_PASSWORDS.get(login, login), browser=browser)
        self.env.flush_all()
        devtools = DevTools(self, browser)
        self.addCleanup(devtools.close)
        return devtools

    def _open_my_day(self, devtools):
        devtools.browser.navigate_to(f"{self.base_url()}/odoo/my-day")
        devtools.wait(
            "document.querySelector('.o_oto_my_day[data-oto-kept=\"profiles\"]')",
            "My day, kept on the phone",
        )

    def _kept_login(self, login):
        return f"{CACHE_PREFIX}{self.env.cr.dbname}:{self.users[login].id}"

    def _wait_app_kept(self, devtools, login):
        name = self._kept_login(login)
        devtools.wait(
            f"""(async () => {{
                if (!(await caches.has({json.dumps(name)}))) return false;
                const cache = await caches.open({json.dumps(name)});
                const paths = (await cache.keys()).map((r) => new URL(r.url).pathname);
                return paths.includes("/odoo/my-day")
                    && paths.includes("/web/action/load")
                    && paths.some((p) => p.endsWith("web.assets_web.min.js"));
            }})()""",
            "The app is kept for opening offline",
        )

    def test_the_seller_opens_her_day_with_the_network_cut(self):
        """Ana opened Oto this morning (her first time on this phone: the
        service worker was not there yet); in the stockroom, without a
        network, the phone had closed the app and she opens it again: her
        day as kept, the customers of today's campaign by name; a contact
        recorded there waits on the phone and reaches the server once when
        the network is back."""
        ana = self.sellers["Ana Souza"]
        devtools = self._browser("ana.souza")
        self._open_my_day(devtools)
        self._wait_app_kept(devtools, "ana.souza")
        kept = devtools.caches()[self._kept_login("ana.souza")]
        # What Oto keeps for opening the app is the web client, not the
        # customers (their day is in the app's own storage, phone_store.js).
        self.assertFalse([path for path in kept if "get_seller_day" in path], kept)

        devtools.network(online=False)
        devtools.reload()
        devtools.wait(
            "document.querySelector('.o_oto_my_day .o_oto_offline')",
            "Opened offline: the day kept on the phone, with the offline bar",
        )
        self.assertNotIn("o_offline", devtools.js("document.body.className"))
        self.assertIn(
            "Ana Souza",
            devtools.js("document.querySelector('.o_oto_subtitle').innerText"),
        )
        # No notice of Odoo's over the app's own bar.
        self.assertEqual(
            devtools.js("document.querySelectorAll('.o_notification').length"), 0
        )
        devtools.click(".o_oto_group:not([data-open='0'])")
        devtools.wait(
            "document.querySelector('.o_oto_suggestion:not(.o_oto_worked)')",
            "The campaign's customers",
        )
        shown = devtools.js(
            """[...document.querySelectorAll('.o_oto_suggestion:not(.o_oto_worked)')]
                .map((card) => [Number(card.dataset.id),
                                card.querySelector('.fw-bold').innerText])"""
        )
        suggestions = self.env["oto.suggestion"].browse([id_ for id_, _name in shown])
        self.assertTrue(shown)
        self.assertEqual(set(suggestions.seller_id), {ana})
        self.assertEqual(
            [name for _id, name in shown],
            [suggestion.partner_id.name for suggestion in suggestions],
        )
        self.assertEqual(
            set(suggestions.mapped("state")) - {"assigned", "in_progress"}, set()
        )

        # A contact recorded offline: it waits on the phone.
        first = suggestions[0]
        before = self.env["oto.contact"].search_count(
            [("suggestion_id", "=", first.id)]
        )
        devtools.click(f".o_oto_suggestion[data-id='{first.id}']")
        devtools.click(".o_oto_record")
        devtools.click(".o_oto_outcome_channel_choice .o_oto_outcome_channel_call")
        # The screen says how they talked before the outcome is tapped.
        devtools.wait(
            "!document.querySelector('.o_oto_outcome_channel_choice')",
            "The channel chosen",
        )
        devtools.click(".o_oto_outcome_positive")
        devtools.wait(
            f"document.querySelector(\".o_oto_suggestion.o_oto_worked[data-id='{first.id}']\")"
            "?.innerText.includes('Aguardando envio')",
            "Recorded on the phone, waiting to be sent",
        )
        self.env.invalidate_all()
        self.assertEqual(
            self.env["oto.contact"].search_count([("suggestion_id", "=", first.id)]),
            before,
        )

        # The network is back: sent once, and once only.
        devtools.network(online=True)
        devtools.wait(
            "!document.querySelector('.o_oto_offline, .o_oto_sync_pending')",
            "Back online, nothing waits on the phone",
        )
        devtools.reload()
        self._open_my_day(devtools)
        self.env.invalidate_all()
        contacts = self.env["oto.contact"].search([("suggestion_id", "=", first.id)])
        self.assertEqual(len(contacts), before + 1)
        self.assertEqual(contacts[:1].result, "positive")
        self.assertEqual(first.state, "done")

    def test_the_app_opens_by_its_address_after_signing_in(self):
        """Signed in, Ana lands on My day (her home: the screen asked for
        by its number); the installed app opens its address (the screen by
        its name): offline, both find the copy."""
        devtools = self._browser("ana.souza")
        devtools.browser.navigate_to(f"{self.base_url()}/odoo")
        devtools.wait(
            "document.querySelector('.o_oto_my_day[data-oto-kept=\"profiles\"]')",
            "My day, her home",
        )
        self._wait_app_kept(devtools, "ana.souza")
        devtools.network(online=False)
        devtools.browser.navigate_to(f"{self.base_url()}/odoo/my-day")
        devtools.wait(
            "document.querySelector('.o_oto_my_day .o_oto_offline')",
            "Opened offline by its address: the day kept on the phone",
        )
        self.assertIn(
            "Ana Souza",
            devtools.js("document.querySelector('.o_oto_subtitle').innerText"),
        )

    def test_nothing_of_the_login_stays_after_signing_out(self):
        """Signing out from the user menu, the login's copy of the app goes
        with the day kept on the phone."""
        devtools = self._browser("ana.souza")
        self._open_my_day(devtools)
        self._wait_app_kept(devtools, "ana.souza")
        # Opened again (now through the service worker), it stays kept.
        devtools.reload()
        self._open_my_day(devtools)
        self._wait_app_kept(devtools, "ana.souza")
        devtools.click(".o_user_menu .dropdown-toggle")
        devtools.click(".o_user_menu_logout, [data-menu='logout']")
        # The sign-in page started (its services, its translations) before
        # the network goes: a call cut halfway is Odoo's own error there.
        devtools.wait(
            "location.pathname === '/web/login' && document.readyState === 'complete'"
            " && !!(window.odoo && odoo.__WOWL_DEBUG__)",
            "The sign-in page",
        )
        left = devtools.caches()
        self.assertFalse([name for name in left if name.startswith(CACHE_PREFIX)], left)
        self.assertFalse(
            devtools.js(
                "Object.keys(localStorage).filter("
                "(k) => k.endsWith(':day') || k.endsWith(':profiles'))"
            )
        )
        # Offline, the app does not open for anyone any more: Odoo's page.
        devtools.network(online=False)
        devtools.browser.navigate_to(f"{self.base_url()}/odoo/my-day")
        devtools.wait(
            "document.body && !document.querySelector('.o_oto_my_day')"
            " && document.body.innerText.length > 0",
            "Odoo's offline page",
        )
        self.assertFalse(devtools.js("!!document.querySelector('.o_oto_my_day')"))

    def test_another_login_forgets_the_seller_s_copy(self):
        """The seller's phone (or a shared computer) opened by a user
        without Oto: Ana's copy is forgotten at once; for that user, Odoo
        offline is Odoo's own page."""
        new_test_user(
            self.env,
            "oto_offline_accountant",
            password="oto_offline_accountant",
            groups="base.group_user",
            company_id=self.brand.id,
            company_ids=[self.brand.id],
        )
        devtools = self._browser("ana.souza")
        self._open_my_day(devtools)
        self._wait_app_kept(devtools, "ana.souza")
        # Another login on this browser (the session changes, no sign-out).
        self.authenticate(
            "oto_offline_accountant", "oto_offline_accountant", browser=devtools.browser
        )
        devtools.browser.navigate_to(f"{self.base_url()}/odoo")
        devtools.wait(
            "document.querySelector('.o_main_navbar')", "Odoo, for the accountant"
        )
        devtools.wait(
            f"""(async () => !(await caches.keys()).some(
                (name) => name.startsWith({json.dumps(CACHE_PREFIX)})))()""",
            "Nothing of Ana's login kept",
        )
        # Odoo's own start (Discuss's data) done before the network goes:
        # a call cut halfway is Odoo's "connection lost", not what is tested.
        devtools.wait(
            "performance.getEntriesByType('resource').some("
            "(entry) => entry.name.includes('/mail/data') && entry.responseEnd > 0)",
            "Odoo started for the accountant",
        )
        devtools.network(online=False)
        devtools.reload()
        devtools.wait(
            "document.readyState === 'complete'"
            " && !document.querySelector('.o_main_navbar')"
            " && document.body.innerText.includes('offline')",
            "Odoo's offline page, as Odoo shows it",
        )
