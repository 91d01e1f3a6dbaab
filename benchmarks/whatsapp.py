"""Benchmark of the WhatsApp channel (not a test: it prints figures).

    python3 -m benchmarks.whatsapp [--messages 3000] [--rate 80] [--callbacks 3000]

Against the local fake of the Graph API (``oto_crm_whatsapp/tools/fake_graph.py``,
real HTTP on 127.0.0.1), in a database of its own (``oto_bench_whatsapp``,
cloned from the test template with ``oto_crm_whatsapp`` installed):

- the queue: ``--messages`` template messages queued, then sent by the
  queue's job with the account's rate set to ``--rate`` messages per
  second; prints the sustained throughput and the busiest second seen by
  the fake (never above the rate);
- the webhook: an Odoo server (2 workers) receives ``--callbacks`` signed
  status callbacks (delivered, one per POST, as Meta sends them) from 8
  concurrent clients; prints callbacks per second; then the same statuses
  10 per POST (Meta batches them under load). First it prints Odoo's floor
  on this machine: its cheapest request (``/web/health``, no database work)
  with the same clients, the most any route can reach.

Finds Odoo and PostgreSQL as ``./oto test`` does (see the README).
"""

import argparse
import collections
import concurrent.futures
import importlib.util
import json
import os
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.odoo_runner import open_registry, prepare  # noqa: E402
from devtools import run_tests  # noqa: E402

DBNAME = "oto_bench_whatsapp"
TOKEN = "EAAG-bench-token"
SECRET = "bench-app-secret"


def build(odoo, db):
    template = run_tests.ensure_template(odoo, db, "crm", False)
    run_tests.clone_database(db, template, DBNAME)
    rc, _log, path = run_tests._odoo_run(
        odoo, db, DBNAME, ["-i", "oto_crm_whatsapp"], "bench_whatsapp_install.log"
    )
    if rc:
        raise SystemExit(f"install failed, see {path}")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def queue(odoo_module, registry, graph, args):
    with registry.cursor() as cr:
        env = odoo_module.api.Environment(cr, odoo_module.SUPERUSER_ID, {})
        env["ir.config_parameter"].set_param(
            "oto_crm_whatsapp.graph_url", graph.base_url
        )
        env["oto.whatsapp.message"].search([]).unlink()
        account = env["oto.whatsapp.account"].search(
            [("phone_number_id", "=", graph.phone_number_id)]
        ) or env["oto.whatsapp.account"].create(
            {
                "name": "Bench",
                "phone_number_id": graph.phone_number_id,
                "business_account_id": graph.waba_id,
                "access_token": TOKEN,
                "app_secret": SECRET,
            }
        )
        account.write({"rate_per_second": args.rate, "state": "ok"})
        template = env["oto.whatsapp.template"].search(
            [("account_id", "=", account.id)]
        ) or env["oto.whatsapp.template"].create(
            {
                "name": "bench_colecao",
                "account_id": account.id,
                "body": "Oi {{1}}! Chegou a nova coleção.",
                "variable_ids": [(0, 0, {"name": "1", "field_path": "name"})],
            }
        )
        template.with_context(oto_whatsapp_sync=True).status = "approved"
        env["oto.whatsapp.message"].create(
            [
                {
                    "account_id": account.id,
                    "template_id": template.id,
                    "phone": f"+5511{900000000 + n}",
                    "body": f"Oi Cliente {n}! Chegou a nova coleção.",
                    "variables": [{"name": "1", "value": f"Cliente {n}"}],
                }
                for n in range(args.messages)
            ]
        )
        cr.commit()
        Message = env["oto.whatsapp.message"]
        started = time.monotonic()
        sent = 0
        while sent < args.messages:
            done = Message._cron_send_queue(time_budget=600)
            if not done:
                break
            sent += done
        elapsed = time.monotonic() - started
        cr.commit()
    per_second = collections.Counter(int(m["time"]) for m in graph.sent)
    busiest = max(per_second.values()) if per_second else 0
    print(
        f"{'queue: messages sent (rate ' + str(args.rate) + '/s)':<58} "
        f"{sent / elapsed:8.1f} /s  ({sent:,} in {elapsed:.1f} s; busiest second "
        f"{busiest}; target 50/s, never above the rate)",
        flush=True,
    )
    return account


def webhook(odoo, db, graph, args):
    port = free_port()
    cmd = [
        *odoo.command,
        f"--addons-path={odoo.addons_path()}",
        *db.odoo_args(),
        "-d",
        DBNAME,
        "--db-filter",
        f"^{DBNAME}$",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        "--workers=2",
        "--max-cron-threads=0",
        "--log-level=warn",
        f"--data-dir={run_tests.DATA_DIR}",
    ]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/oto_crm_whatsapp/webhook"
    try:
        import requests  # noqa: PLC0415

        for _attempt in range(120):
            try:
                requests.get(url, timeout=10)
                break
            except requests.RequestException:
                time.sleep(0.5)
        ids = [m["message_id"] for m in graph.sent][: args.callbacks]
        recipient = "5511900000000"

        def payload(batch, status):
            body = {
                "object": "whatsapp_business_account",
                "entry": [
                    {
                        "id": graph.waba_id,
                        "changes": [
                            {
                                "field": "messages",
                                "value": {
                                    "messaging_product": "whatsapp",
                                    "metadata": {
                                        "display_phone_number": "551140000000",
                                        "phone_number_id": graph.phone_number_id,
                                    },
                                    "statuses": [
                                        {
                                            "id": mid,
                                            "status": status,
                                            "timestamp": str(int(time.time())),
                                            "recipient_id": recipient,
                                        }
                                        for mid in batch
                                    ],
                                },
                            }
                        ],
                    }
                ],
            }
            return json.dumps(body).encode()

        # The floor: Odoo's own cheapest request (auth none, no database
        # work) with the same clients, the most any route can reach here.
        health = f"http://127.0.0.1:{port}/web/health"
        floor_session = requests.Session()
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            codes = collections.Counter(
                pool.map(
                    lambda _i: floor_session.get(health, timeout=30).status_code,
                    range(len(ids)),
                )
            )
        elapsed = time.monotonic() - started
        print(
            f"{'Odoo floor: GET /web/health (no database work)':<58} "
            f"{len(ids) / elapsed:8.1f} /s  ({len(ids):,} requests, {elapsed:.1f} s; "
            f"answers {dict(codes)})",
            flush=True,
        )
        for label, size, status in (
            ("webhook: status callbacks, one per POST", 1, "delivered"),
            ("webhook: status callbacks, 10 per POST", 10, "read"),
        ):
            bodies = [
                payload(ids[i : i + size], status) for i in range(0, len(ids), size)
            ]
            session = requests.Session()

            def post(body, session=session):
                return session.post(
                    url,
                    data=body,
                    headers={
                        "Content-Type": "application/json",
                        "X-Hub-Signature-256": graph.sign(body),
                    },
                    timeout=30,
                ).status_code

            started = time.monotonic()
            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                codes = collections.Counter(pool.map(post, bodies))
            elapsed = time.monotonic() - started
            print(
                f"{label:<58} {len(ids) / elapsed:8.1f} /s  "
                f"({len(ids):,} statuses in {len(bodies):,} POSTs, {elapsed:.1f} s; "
                f"answers {dict(codes)}; target 500/s)",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=80)
    parser.add_argument("--callbacks", type=int, default=3000)
    args = parser.parse_args()
    prepared = prepare("benchmarks.whatsapp")
    if not prepared:
        return 1
    odoo, db = prepared
    if not db.exists(DBNAME):
        build(odoo, db)
    # The fake alone (importing the add-on's package would load Odoo's).
    spec = importlib.util.spec_from_file_location(
        "oto_fake_graph",
        os.path.join(ROOT, "oto_crm_whatsapp", "tools", "fake_graph.py"),
    )
    fake_graph = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fake_graph)
    FakeGraph = fake_graph.FakeGraph  # noqa: N806

    odoo_module, registry = open_registry(odoo, db, DBNAME)
    with FakeGraph(access_token=TOKEN, app_secret=SECRET) as graph:
        queue(odoo_module, registry, graph, args)
        webhook(odoo, db, graph, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
