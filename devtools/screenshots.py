"""Take the README's screenshots in headless Chromium.

    python3 -m devtools.screenshots [--base http://127.0.0.1:8069] [--out DIR]
                                    [--journeys-only | --no-journeys]

1. Each person's day on a 390x844 phone comes from the journey tours
   (``oto_crm/tests/test_journeys.py``): they run on a fresh database with
   the demo brand, like ``./oto test``, and save their pictures on the way.
2. The rest (desktop screens, the point of sale) is taken from a running
   Oto CRM (``./oto demo``), logged in as each demo user.

Saves them in ``docs/screenshots``. Needs Debian's ``chromium`` and the
``websocket-client`` package (both already needed by the browser tours), so
run it with Odoo's Python.
"""

import argparse
import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request

import websocket

from . import run_tests
from .environment import (
    ROOT,
    ensure_database,
    ensure_project_requirements,
    find_odoo,
)

SHOTS = (
    # file, login, password, path, width, height, mobile[, taps before the shot]
    (
        "stores-desktop.png",
        "admin",
        "admin",
        "/odoo/action-oto_crm.oto_store_action",
        1366,
        768,
        False,
    ),
    (
        "sellers-desktop.png",
        "admin",
        "admin",
        "/odoo/action-oto_crm.oto_seller_action",
        1366,
        768,
        False,
    ),
    (
        "customers-desktop.png",
        "marcos.lima",
        "Oto@demo2026",
        "/odoo/action-oto_crm.res_partner_action_oto_customers?view_type=list",
        1366,
        768,
        False,
    ),
    (
        "sellers-phone.png",
        "marcos.lima",
        "Oto@demo2026",
        "/odoo/action-oto_crm.oto_seller_action",
        390,
        844,
        True,
    ),
    (
        "results-seller-phone.png",
        "marcos.lima",
        "Oto@demo2026",
        "/odoo/action-oto_crm.oto_crm_action_results",
        390,
        844,
        True,
        (".o_oto_ranking_row",),
    ),
    (
        "campaigns-desktop.png",
        "admin",
        "admin",
        "/odoo/action-oto_crm.oto_campaign_action",
        1366,
        768,
        False,
    ),
    (
        "campaign-lift-desktop.png",
        "admin",
        "admin",
        "/odoo/action-oto_crm.oto_campaign_action/{campaign}",
        1366,
        1400,
        False,
    ),
    (
        "customer-form-desktop.png",
        "marcos.lima",
        "Oto@demo2026",
        "/odoo/action-oto_crm.res_partner_action_oto_customers/{customer}",
        1366,
        900,
        False,
    ),
    (
        "purchases-desktop.png",
        "admin",
        "admin",
        "/odoo/action-oto_crm.oto_purchase_action?view_type=graph",
        1366,
        768,
        False,
    ),
    # The counter at 390x844: open the register (and its opening control)
    # if asked, the order pane, then the sellers or the customers.
    *(
        (
            name,
            "admin",
            "admin",
            "/pos/ui?config_id={pos}",
            390,
            844,
            True,
            (
                ".screen-login .open-register-btn",
                ".modal-footer .btn-primary",
                ".btn-switchpane.review-button",
                button,
            ),
        )
        for name, button in (
            ("pos-seller-phone.png", ".o_oto_seller_button"),
            ("pos-customers-phone.png", ".set-partner"),
        )
    ),
)


class Browser:
    def __init__(self, width, height, mobile):
        self.profile = tempfile.mkdtemp(prefix="oto_shots_")
        self.port = 9333
        self.proc = subprocess.Popen(
            [
                shutil.which("chromium") or "chromium",
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={self.profile}",
                f"--remote-debugging-port={self.port}",
                "--remote-allow-origins=*",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(50):
            try:
                targets = json.load(
                    urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json")
                )
                page = next(t for t in targets if t["type"] == "page")
                break
            except (OSError, StopIteration):
                time.sleep(0.2)
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.seq = 0
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )
        if mobile:
            self.call("Emulation.setTouchEmulationEnabled", enabled=True)
        self.call("Page.enable")

    def call(self, method, **params):
        self.seq += 1
        self.ws.send(json.dumps({"id": self.seq, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.seq:
                return message.get("result", {})

    def js(self, expression):
        return (
            self.call(
                "Runtime.evaluate",
                expression=expression,
                awaitPromise=True,
                returnByValue=True,
            )
            .get("result", {})
            .get("value")
        )

    def goto(
        self,
        url,
        wait_for=".o_action_manager .o_view_controller, .o_oto_my_day .o_oto_header, "
        ".oe_login_form",
    ):
        self.call("Page.navigate", url=url)
        for _ in range(100):
            time.sleep(0.2)
            if self.js(f"!!document.querySelector({json.dumps(wait_for)})"):
                break
        time.sleep(1.5)

    def first_id(self, model, domain, order=None):
        """The id of the first ``model`` record matching ``domain`` (RPC as
        the logged-in user)."""
        kwargs = {"limit": 1, **({"order": order} if order else {})}
        params = {
            "model": model,
            "method": "search",
            "args": [domain],
            "kwargs": kwargs,
        }
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params})
        return self.js(
            "fetch('/web/dataset/call_kw', {method: 'POST', headers: "
            f"{{'Content-Type': 'application/json'}}, body: {json.dumps(body)}}})"
            ".then(r => r.json()).then(r => r.result[0])"
        )

    def close(self):
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def take(base, out):
    os.makedirs(out, exist_ok=True)
    for name, login, password, path, width, height, mobile, *taps in SHOTS:
        browser = Browser(width, height, mobile)
        try:
            browser.goto(f"{base}/web/login")
            browser.js(
                f"document.querySelector('#login').value = {json.dumps(login)};"
                f"document.querySelector('#password').value = {json.dumps(password)};"
                "document.querySelector('.oe_login_form').submit();"
            )
            time.sleep(3)
            # A record to show: a customer with a purchase history (so the
            # Wallet tab says something), the brand's first campaign with a
            # holdout (so its lift says something).
            if "{customer}" in path:
                path = path.format(
                    customer=browser.first_id(
                        "res.partner", [["oto_purchase_count", ">", 5]]
                    )
                )
            if "{pos}" in path:
                path = path.format(
                    pos=browser.first_id("pos.config", [["oto_store_id", "!=", False]])
                )
            if "{campaign}" in path:
                path = path.format(
                    campaign=browser.first_id(
                        "oto.campaign", [["holdout_percent", ">", 0]], "sequence, id"
                    )
                )
            browser.goto(base + path)
            for selector in taps[0] if taps else ():
                browser.js(f"document.querySelector({json.dumps(selector)})?.click()")
                time.sleep(1.5)
            data = browser.call("Page.captureScreenshot", format="png")["data"]
            with open(os.path.join(out, name), "wb") as fh:
                fh.write(base64.b64decode(data))
            print(os.path.join(out, name))
        finally:
            browser.close()


def journeys(out):
    """Run the journey tours on a fresh demo database, saving their
    pictures in ``out``; True when they passed."""
    odoo = find_odoo()
    ensure_project_requirements(odoo)
    db = ensure_database()
    os.makedirs(out, exist_ok=True)
    os.environ["OTO_SCREENSHOTS"] = os.path.abspath(out)
    counts = run_tests.run_scenario(
        odoo,
        db,
        "all_demo",
        test_tags="/oto_crm:TestJourneys,/oto_crm:TestPhoneAppJourneys",
    )
    print(f"journeys: {counts}")
    return not counts.failed and counts.passed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8069")
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "screenshots"))
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--journeys-only", action="store_true")
    which.add_argument("--no-journeys", action="store_true")
    args = parser.parse_args()
    if not args.no_journeys and not journeys(args.out):
        return 1
    if not args.journeys_only:
        take(args.base, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
