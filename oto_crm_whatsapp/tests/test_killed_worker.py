# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A real Odoo server sending the queue from its cron is killed with SIGKILL
in the middle of a batch, twice, then started again: Meta (the local fake)
gets every message exactly once, or the message is marked unknown; never
twice.

The queue and its data are committed through a connection of their own (the
server cannot see the test's transaction) and removed at the end."""

import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter

import requests

import odoo
from odoo import SUPERUSER_ID, api, fields, sql_db
from odoo.tests import TransactionCase, tagged
from odoo.tools import config

from ..tools.fake_graph import FakeGraph

_logger = logging.getLogger(__name__)

TOKEN = "EAAG-killed-worker"
SECRET = "killed-worker-secret"
NUMBER = "100200300777"
MESSAGES = 60
RATE = 25
BOOT_TIMEOUT = 120
DRAIN_TIMEOUT = 120


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install", "oto_crm_whatsapp")
class TestKilledWorker(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dbname = cls.env.cr.dbname
        cls.graph = FakeGraph(TOKEN, SECRET, phone_number_id=NUMBER)
        cls.graph.start()
        cls.addClassCleanup(cls.graph.stop)

    # ------------------------------------------------------------ helpers

    def _committed(self, work):
        """``work(env)`` in a transaction of its own, committed."""
        with sql_db.db_connect(self.dbname).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            result = work(env)
            env.flush_all()
            # A connection of its own, not the test's: the server started by
            # the test reads what it committed (removed by the cleanup).
            cr.commit()  # pylint: disable=invalid-commit
            return result

    def _setup(self, env):
        env["ir.config_parameter"].set_param(
            "oto_crm_whatsapp.graph_url", self.graph.base_url
        )
        account = env["oto.whatsapp.account"].create(
            {
                "name": "Killed worker",
                "phone_number_id": NUMBER,
                "business_account_id": self.graph.waba_id,
                "access_token": TOKEN,
                "app_secret": SECRET,
                "rate_per_second": RATE,
            }
        )
        partners = env["res.partner"].create(
            [
                {"name": f"Morta {n}", "mobile": f"+55119850{n:05d}"}
                for n in range(MESSAGES)
            ]
        )
        messages = env["oto.whatsapp.message"].create(
            [
                {
                    "account_id": account.id,
                    "partner_id": partner.id,
                    "phone": partner.oto_phone_e164,
                    "body": f"Oi {partner.name}, chegou a coleção!",
                    "purpose": "transactional",
                }
                for partner in partners
            ]
        )
        cron = env.ref("oto_crm_whatsapp.ir_cron_oto_whatsapp_send")
        cron.write({"active": True, "nextcall": fields.Datetime.now()})
        return account.id, partners.ids, messages.ids

    def _cleanup(self, account_id, partner_ids):
        def work(env):
            env["oto.whatsapp.event"].search([("account_id", "=", account_id)]).unlink()
            env["oto.whatsapp.account"].browse(account_id).unlink()
            env["res.partner"].browse(partner_ids).unlink()
            env["ir.config_parameter"].search(
                [("key", "=", "oto_crm_whatsapp.graph_url")]
            ).unlink()

        self._committed(work)

    def _start_server(self, log):
        """An Odoo server on the test database with one cron thread."""
        port = _free_port()
        odoo_bin = os.path.join(
            os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin"
        )
        command = [
            sys.executable,
            odoo_bin,
            f"--addons-path={config['addons_path']}",
            "-d",
            self.dbname,
            f"--db-filter=^{self.dbname}$",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            "--workers=0",
            "--max-cron-threads=1",
            f"--data-dir={config['data_dir']}",
            "--log-level=warn",
        ]
        for key in ("db_host", "db_port", "db_user", "db_password"):
            if config.get(key):
                command.append(f"--{key}={config[key]}")
        environ = dict(os.environ)
        environ.pop("ODOO_RC", None)
        server = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=environ
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + BOOT_TIMEOUT
        while time.monotonic() < deadline:
            self.assertIsNone(server.poll(), "the server stopped")
            try:
                if requests.get(f"{url}/web/health", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(0.3)
        else:
            self.fail("the server did not start")
        self.graph.webhook_url = f"{url}/oto_crm_whatsapp/webhook"
        return server

    def _wake_cron(self):
        with sql_db.db_connect("postgres").cursor() as cr:
            cr.execute("SELECT pg_notify('cron_trigger', %s)", [self.dbname])

    def _wait(self, condition, timeout, what):
        deadline = time.monotonic() + timeout
        next_wake = 0
        while not condition():
            if time.monotonic() > deadline:
                self.fail(f"timed out waiting for {what}")
            if time.monotonic() > next_wake:
                self._wake_cron()
                next_wake = time.monotonic() + 2
            time.sleep(0.05)

    def _states(self, message_ids):
        def work(env):
            env.cr.execute(
                "SELECT id, state, callback_ref, meta_id FROM oto_whatsapp_message "
                "WHERE id = ANY(%s)",
                [message_ids],
            )
            return env.cr.fetchall()

        return self._committed(work)

    # --------------------------------------------------------------- test

    def test_a_server_killed_mid_batch_never_sends_twice(self):
        account_id, partner_ids, message_ids = self._committed(self._setup)
        self.addCleanup(self._cleanup, account_id, partner_ids)
        log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)
        self.addCleanup(os.unlink, log.name)
        try:
            for killed_after in (15, 35):
                server = self._start_server(log)
                try:
                    self._wait(
                        lambda n=killed_after: len(self.graph.sent) >= n,
                        DRAIN_TIMEOUT,
                        f"{killed_after} messages",
                    )
                finally:
                    server.send_signal(signal.SIGKILL)
                    server.wait(30)
            # Started again: it finishes the queue.
            server = self._start_server(log)
            try:
                self._wait(
                    lambda: (
                        not [
                            row
                            for row in self._states(message_ids)
                            if row[1] in ("queued", "sending")
                        ]
                    ),
                    DRAIN_TIMEOUT,
                    "the queue to drain",
                )
                # Meta's "sent" statuses, with each message's reference.
                self.assertEqual(
                    set(self.graph.post_sent_statuses()), {200}, "statuses refused"
                )
            finally:
                server.send_signal(signal.SIGKILL)
                server.wait(30)
        except BaseException:
            log.seek(0)
            _logger.error("The killed server's log:\n%s", log.read()[-5000:])
            raise
        received = Counter(record["callback_data"] for record in self.graph.sent)
        self.assertFalse(
            [ref for ref, count in received.items() if count > 1], "sent twice"
        )
        states = Counter()
        for _id, state, ref, meta_id in self._states(message_ids):
            states[state] += 1
            if ref in received:
                self.assertEqual(state, "sent", ref)
                self.assertTrue(meta_id)
            else:
                self.assertEqual(state, "unknown", ref)
        _logger.info(
            "Killed twice mid-batch: %s received once by Meta, states %s",
            len(received),
            dict(states),
        )
        self.assertEqual(sum(states.values()), MESSAGES)
        self.assertEqual(states["sent"], len(received))
        self.assertGreaterEqual(len(received), 35)
