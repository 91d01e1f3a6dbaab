"""Benchmark of the WhatsApp channel (not a test: it prints figures).

    python3 -m benchmarks.whatsapp [--minutes 10] [--rate 30] [--broken-minutes 2]
                                   [--callbacks 3000] [--no-webhook]

Against the local fake of the Graph API (``oto_crm_whatsapp/tools/fake_graph.py``,
real HTTP on 127.0.0.1), in a database of its own (``oto_bench_whatsapp``,
cloned from the test template with ``oto_crm_whatsapp`` installed):

- the queue, as production runs it: an Odoo server in prefork mode (2 HTTP
  workers, 1 cron worker) with Odoo's default time limits (120 s real,
  60 s CPU: a cron worker past them is killed), three accounts (one number
  each) at ``--rate`` messages per second, enough messages queued for
  ``--minutes``; the cron's own job sends them, run after run. Prints the
  sustained throughput over the window, per minute and per number, the
  busiest second of each number (never above its rate), duplicates and
  lost messages (0 and 0), the cron runs and the longest one;
- the same with one of the three numbers broken (Meta fails every call for
  it) for ``--broken-minutes``: the two others keep their rate, the broken
  one's messages wait (none failed, none lost);
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
import re
import signal
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


NUMBERS = ("100200300501", "100200300502", "100200300503")
CUSTOMERS = 5000
QUEUE_LOG = "oto_crm_whatsapp.models.oto_whatsapp_queue"
RUN_RE = re.compile(
    r"WhatsApp queue: (\d+) sent in ([0-9.]+) s \(time budget ([0-9.]+) s"
)


def _env(odoo_module, cr):
    return odoo_module.api.Environment(cr, odoo_module.SUPERUSER_ID, {})


def setup_queue(odoo_module, registry, graph, args):
    """Three accounts (one number each) at ``--rate``, an approved template
    each, a pool of customers; earlier benchmark messages removed."""
    with registry.cursor() as cr:
        env = _env(odoo_module, cr)
        env["ir.config_parameter"].set_param(
            "oto_crm_whatsapp.graph_url", graph.base_url
        )
        Account = env["oto.whatsapp.account"].with_context(active_test=False)
        old = Account.search([("phone_number_id", "in", NUMBERS)])
        cr.execute(
            "DELETE FROM oto_whatsapp_message WHERE account_id = ANY(%s)", [old.ids]
        )
        cr.execute("DELETE FROM oto_whatsapp_event")
        accounts = Account.browse()
        for index, number in enumerate(NUMBERS):
            token = f"{TOKEN}-{index}"
            graph.add_number(number, access_token=token)
            account = old.filtered(lambda a, n=number: a.phone_number_id == n)
            values = {
                "name": f"Bench {index + 1}",
                "phone_number_id": number,
                "business_account_id": graph.waba_id,
                "access_token": token,
                "app_secret": SECRET,
                "rate_per_second": args.rate,
                "state": "ok",
                "last_error": False,
                "active": True,
            }
            if account:
                account.write(values)
            else:
                account = Account.create(values)
            accounts |= account
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
        Partner = env["res.partner"]
        customers = Partner.search([("name", "=like", "Bench customer %")], order="id")
        missing = CUSTOMERS - len(customers)
        if missing > 0:
            customers |= Partner.create(
                [
                    {"name": f"Bench customer {n}", "mobile": f"+5511{930000000 + n}"}
                    for n in range(len(customers), CUSTOMERS)
                ]
            )
        # Nothing else of the cron worker's in the way.
        cron = env.ref("oto_crm_whatsapp.ir_cron_oto_whatsapp_send")
        cron.write({"active": True, "nextcall": odoo_module.fields.Datetime.now()})
        cr.commit()
        return accounts.ids, customers.ids


def queue_messages(odoo_module, registry, account_ids, customer_ids, per_account):
    """``per_account`` template messages queued on each account."""
    with registry.cursor() as cr:
        env = _env(odoo_module, cr)
        Message = env["oto.whatsapp.message"]
        customers = env["res.partner"].browse(customer_ids)
        names = dict(zip(customers.ids, customers.mapped("name"), strict=True))
        phones = dict(
            zip(customers.ids, customers.mapped("oto_phone_e164"), strict=True)
        )
        for account in env["oto.whatsapp.account"].browse(account_ids):
            template = env["oto.whatsapp.template"].search(
                [("account_id", "=", account.id)], limit=1
            )
            for start in range(0, per_account, 2000):
                Message.create(
                    [
                        {
                            "account_id": account.id,
                            "partner_id": pid,
                            "phone": phones[pid],
                            "template_id": template.id,
                            "body": f"Oi {names[pid]}! Chegou a nova coleção.",
                            "variables": [{"name": "1", "value": names[pid]}],
                        }
                        for n in range(start, min(start + 2000, per_account))
                        for pid in [customer_ids[n % len(customer_ids)]]
                    ]
                )
                cr.commit()


def start_server(odoo, db, log_path, port, workers=2, crons=1):
    """Odoo in prefork mode with a cron worker and Odoo's default time
    limits: the queue's job is killed past them, as in production. Without
    HTTP (``port`` None): the queue needs none, and on this machine Odoo's
    gevent worker cannot start (its ``zope.interface`` is not found), which
    would spawn it again and again beside the cron worker."""
    cmd = [
        *odoo.command,
        f"--addons-path={odoo.addons_path()}",
        *db.odoo_args(),
        "-d",
        DBNAME,
        "--db-filter",
        f"^{DBNAME}$",
        *(
            ["--http-interface=127.0.0.1", f"--http-port={port}"]
            if port
            else ["--no-http"]
        ),
        f"--workers={workers}",
        f"--max-cron-threads={crons}",
        "--limit-time-real=120",
        "--limit-time-cpu=60",
        "--limit-time-real-cron=-1",
        "--log-level=warn",
        f"--log-handler=odoo.addons.{QUEUE_LOG}:INFO",
        f"--data-dir={run_tests.DATA_DIR}",
    ]
    log = open(log_path, "w")  # noqa: SIM115 (closed with the server)
    env = dict(os.environ)
    env.pop("ODOO_RC", None)
    server = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    server.log = log
    if not port:
        return server
    import requests  # noqa: PLC0415

    for _attempt in range(240):
        try:
            requests.get(f"http://127.0.0.1:{port}/web/health", timeout=5)
            return server
        except requests.RequestException:
            time.sleep(0.5)
    raise SystemExit(f"the server did not start, see {log_path}")


def stop_server(server):
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(30)
    server.log.close()


def wake_cron(db):
    subprocess.run(
        [
            db.tool("psql"),
            "-X",
            "-q",
            "-d",
            "postgres",
            "-c",
            f"SELECT pg_notify('cron_trigger', '{DBNAME}')",
        ],
        env=db.env(),
        check=False,
        capture_output=True,
    )


def busiest_second(times):
    times = sorted(times)
    best = start = 0
    for end, moment in enumerate(times):
        while moment - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def run_window(db, graph, seconds, label):
    """Let the server's cron send for ``seconds`` from its first message."""
    started = time.monotonic()
    first = None
    last_print = 0
    while True:
        now = time.monotonic()
        count = len(graph.sent)
        if count and first is None:
            first = graph.sent[0]["time"]
        if first is None and now - started > 120:
            raise SystemExit(f"{label}: nothing sent in two minutes")
        if first is not None and now - first >= seconds:
            return first, first + seconds
        if first is None:
            wake_cron(db)
        if now - last_print >= 30:
            last_print = now
            elapsed = now - (first or now)
            print(f"  {label}: {count:,} sent, {elapsed:.0f} s", flush=True)
        time.sleep(0.5)


def db_states(odoo_module, registry, account_ids):
    with registry.cursor() as cr:
        cr.execute(
            """
            SELECT account_id, state, callback_ref FROM oto_whatsapp_message
             WHERE account_id = ANY(%s) AND direction = 'out'
            """,
            [account_ids],
        )
        return cr.fetchall()


def cron_runs(log_path):
    with open(log_path, errors="replace") as log:
        return [
            (int(m.group(1)), float(m.group(2)), float(m.group(3)))
            for m in RUN_RE.finditer(log.read())
        ]


def check(graph, rows, window, rate, numbers, label):
    """Figures of a window: per number, duplicates, lost."""
    start, end = window
    in_window = [r for r in graph.sent if start <= r["time"] < end]
    received = collections.Counter(r.get("callback_data") for r in graph.sent)
    duplicates = sum(1 for count in received.values() if count > 1)
    by_ref = {ref: (account, state) for account, state, ref in rows}
    # Lost: sent by Odoo but never received, received but not recorded
    # sent, or failed / unknown.
    lost = sum(
        1
        for account, state, ref in rows
        if (state in ("sent", "delivered", "read")) != (ref in received)
        or state in ("failed", "unknown", "sending")
    )
    lost += sum(1 for ref in received if ref not in by_ref)
    figures = {}
    for number in numbers:
        times = [r["time"] for r in in_window if r["phone_number_id"] == number]
        figures[number] = (len(times) / (end - start), busiest_second(times))
    per_minute = collections.Counter(int((r["time"] - start) // 60) for r in in_window)
    return {
        "label": label,
        "total": len(in_window),
        "per_second": len(in_window) / (end - start),
        "per_number": figures,
        "minutes": [per_minute[m] / 60 for m in range(int((end - start) // 60))],
        "duplicates": duplicates,
        "lost": lost,
        "states": collections.Counter(state for _a, state, _r in rows),
        "rate": rate,
    }


def report(figures, runs, budget_limit):
    print(
        f"{figures['label']}: {figures['total']:,} messages, "
        f"{figures['per_second']:.1f} messages/s; duplicates {figures['duplicates']}, "
        f"lost {figures['lost']}; states {dict(figures['states'])}",
        flush=True,
    )
    if figures["minutes"]:
        print(
            f"  per minute: min {min(figures['minutes']):.1f}/s, "
            f"max {max(figures['minutes']):.1f}/s",
            flush=True,
        )
    for number, (per_second, busiest) in figures["per_number"].items():
        print(
            f"  number {number}: {per_second:.1f} messages/s, busiest second "
            f"{busiest} (rate {figures['rate']:g}/s)",
            flush=True,
        )
    if runs:
        longest = max(duration for _sent, duration, _budget in runs)
        print(
            f"  cron runs: {len(runs)}, the longest {longest:.1f} s (time budget "
            f"{runs[0][2]:.0f} s; Odoo kills a cron worker at {budget_limit} s)",
            flush=True,
        )


def queue(odoo, db, odoo_module, registry, graph, args):
    account_ids, customer_ids = setup_queue(odoo_module, registry, graph, args)
    seconds = args.minutes * 60
    # A little more than the window holds: the queue never runs dry.
    per_account = int(args.rate * (seconds + 60))
    print(f"queueing {per_account * len(account_ids):,} messages...", flush=True)
    queue_messages(odoo_module, registry, account_ids, customer_ids, per_account)
    log_path = os.path.join(run_tests.LOGS, "bench_whatsapp_queue.log")
    server = start_server(odoo, db, log_path, None)
    try:
        wake_cron(db)
        window = run_window(db, graph, seconds, "queue")
    finally:
        stop_server(server)
    figures = check(
        graph,
        db_states(odoo_module, registry, account_ids),
        window,
        args.rate,
        NUMBERS,
        f"queue, 3 accounts at {args.rate:g}/s, {args.minutes} minutes",
    )
    report(figures, cron_runs(log_path), 120)

    # One of the three numbers broken: Meta fails every call for it.
    graph.reset()
    with registry.cursor() as cr:
        cr.execute(
            "DELETE FROM oto_whatsapp_message WHERE account_id = ANY(%s)", [account_ids]
        )
        cr.commit()
    broken = NUMBERS[2]
    graph.fail_number(broken, 500, 131000)
    seconds = args.broken_minutes * 60
    queue_messages(
        odoo_module,
        registry,
        account_ids,
        customer_ids,
        int(args.rate * (seconds + 60)),
    )
    log_path = os.path.join(run_tests.LOGS, "bench_whatsapp_broken.log")
    server = start_server(odoo, db, log_path, None)
    try:
        wake_cron(db)
        window = run_window(db, graph, seconds, "one number broken")
    finally:
        stop_server(server)
        graph.fail_number(broken, None)
    rows = db_states(odoo_module, registry, account_ids)
    figures = check(
        graph,
        [row for row in rows if row[0] != account_ids[2]],
        window,
        args.rate,
        NUMBERS[:2],
        f"one of 3 numbers broken (Meta fails), {args.broken_minutes} minutes",
    )
    report(figures, cron_runs(log_path), 120)
    broken_states = collections.Counter(
        state for account, state, _ref in rows if account == account_ids[2]
    )
    with registry.cursor() as cr:
        cr.execute(
            "SELECT state, last_error FROM oto_whatsapp_account WHERE id = %s",
            [account_ids[2]],
        )
        state, error = cr.fetchone()
    print(
        f"  the broken number: {dict(broken_states)}; account {state}: {error}",
        flush=True,
    )


def webhook(odoo, db, graph, args):
    port = free_port()
    log_path = os.path.join(run_tests.LOGS, "bench_whatsapp_webhook.log")
    server = start_server(odoo, db, log_path, port, workers=2, crons=0)
    url = f"http://127.0.0.1:{port}/oto_crm_whatsapp/webhook"
    try:
        import requests  # noqa: PLC0415

        sent = graph.sent[: args.callbacks]
        ids = [m["message_id"] for m in sent]
        number_of = {m["message_id"]: m["phone_number_id"] for m in sent}
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
                                        "phone_number_id": number_of[batch[0]],
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
            # A batch holds the statuses of one number.
            by_number = collections.defaultdict(list)
            for message_id in ids:
                by_number[number_of[message_id]].append(message_id)
            bodies = [
                payload(group[i : i + size], status)
                for group in by_number.values()
                for i in range(0, len(group), size)
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
        stop_server(server)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--broken-minutes", type=int, default=2)
    parser.add_argument("--rate", type=float, default=30)
    parser.add_argument("--callbacks", type=int, default=3000)
    parser.add_argument("--no-webhook", action="store_true")
    args = parser.parse_args()
    prepared = prepare("benchmarks.whatsapp")
    if not prepared:
        return 1
    odoo, db = prepared
    if not db.exists(DBNAME):
        build(odoo, db)
    else:
        # The add-on as it is now.
        rc, _log, path = run_tests._odoo_run(
            odoo, db, DBNAME, ["-u", "oto_crm_whatsapp"], "bench_whatsapp_update.log"
        )
        if rc:
            raise SystemExit(f"update failed, see {path}")
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
        graph.keep_calls = False
        queue(odoo, db, odoo_module, registry, graph, args)
        if not args.no_webhook:
            webhook(odoo, db, graph, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
