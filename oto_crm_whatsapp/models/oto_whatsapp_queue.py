# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The WhatsApp queue: every account at its rate, every message once.

A message goes queued -> sending -> sent (or failed, or back to queued for
a retry), each step in its own transaction:

1. a few messages of an account are *claimed*: marked "sending" and
   committed before any call to Meta (the consent gate is asked again
   here: a customer who opted out since the message was queued is not
   written to);
2. each is sent over HTTP by a pool of threads that only talk to Meta,
   never faster than the account's rate;
3. each answer is *recorded* in its own transaction: sent with Meta's ID,
   failed with its reason, queued again for a later try, or "unknown"
   when Meta may have sent it without answering (a read timeout).

A worker that dies between 1 and 3 (killed for running too long, a crash,
a restart) leaves messages "sending": the next run of that account (it
holds the account's lock, so no live worker is sending them) marks them
"unknown". They are never sent again blindly: Meta's status callbacks carry
the message's ``callback_ref`` back (``biz_opaque_callback_data``) and tell
what became of it; otherwise a manager checks and decides (send again, or
give up).

An account without a token, with a refused or expired one, blocked by Meta
or whose lock another worker holds is set aside with the reason on it; the
others go on. A run lasts what the cron's time limit allows (half of
Odoo's real and CPU time limits, less an HTTP timeout to finish the calls
under way) and triggers itself again when messages are left.
"""

import logging
import math
import threading
import time
from collections import deque
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import psycopg2
import requests

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, config

from odoo.addons.oto_crm.models.oto_company_job import owns_cursor

from ..tools.cloud_api import (
    CloudApiAuthError,
    CloudApiClient,
    CloudApiError,
    CloudApiRateLimit,
)
from .oto_whatsapp_message import MAX_ATTEMPTS

_logger = logging.getLogger(__name__)

HTTP_TIMEOUT = 10.0
# Calls under way at once per account: an account whose calls hang cannot
# take the threads of the others.
DEFAULT_WORKERS = 4
# An account whose calls keep failing (Meta down for it) stops for this run.
MAX_FAILURES_IN_A_ROW = 5
# Never above the rate, as Meta sees the calls arrive: a thread may start
# its call late and bring it closer to the next one, so an account sends at
# most 85% of its rate in any second (checked by the thread itself right
# before each call), evenly spaced.
RATE_SHARE = 0.85
# How much of the rate a lane claims at a time (seconds of sending).
CLAIM_AHEAD = 0.25
MAX_CLAIM = 50
# How long an account waits after Meta's "too many messages".
RATE_LIMIT_PAUSE = 2.0
# Meta's errors about the account itself: every message would fail the
# same way, so the account pauses and its messages wait.
ACCOUNT_CODES = frozenset(
    {3, 10, 200, 368, 131005, 131031, 131042, 131045, 131057, 133010}
)
TEMPLATE_CODES = {132015: "PAUSED", 132016: "DISABLED"}
LOCK_KEY = "oto.whatsapp.account"
# How often the chatter notes of the messages sent are written.
NOTES_EVERY = 1.0


@dataclass
class _Job:
    """What one HTTP call needs (read from the database beforehand: the
    threads never touch it)."""

    message_id: int
    phone: str
    body: str
    template: str
    language: str
    components: list
    callback_ref: str
    # The chatter note once sent: (model, record id, body), or None.
    note: tuple = None


class _Lane:
    """One account's sending: its pace, its claimed messages, an HTTP client
    per thread (each with its own connection)."""

    def __init__(self, account, token, base_url):
        self.account_id = account.id
        self.name = account.name
        self.phone_number_id = account.phone_number_id
        self.rate = max(account.rate_per_second, 0.1)
        self.capacity = max(1, math.floor(self.rate * RATE_SHARE))
        self.interval = 1.0 / self.capacity
        self._starts = deque()
        self._window_lock = threading.Lock()
        self.next_slot = time.monotonic()
        self.buffer = deque()
        self.exhausted = False
        self.stopped = False
        self.sent = 0
        self.inflight = 0
        self.failures = 0
        self.notes = []
        self._token = token
        self._api_version = account.api_version
        self._base_url = base_url
        self._local = threading.local()

    def __repr__(self):
        return f"_Lane({self.account_id}, {self.name!r})"

    def claim_size(self, seconds_left):
        ahead = min(CLAIM_AHEAD, max(seconds_left, 0))
        return max(1, min(MAX_CLAIM, math.ceil(self.rate * ahead)))

    def _client(self):
        client = getattr(self._local, "client", None)
        if client is None:
            client = CloudApiClient(
                self._token,
                api_version=self._api_version,
                base_url=self._base_url,
                timeout=HTTP_TIMEOUT,
                session=requests.Session(),
            )
            self._local.client = client
        return client

    def _wait_for_the_window(self):
        """Block until fewer than ``capacity`` calls started in the last
        second (a sliding window), and note this one."""
        while True:
            with self._window_lock:
                now = time.monotonic()
                while self._starts and now - self._starts[0] >= 1.0:
                    self._starts.popleft()
                if len(self._starts) < self.capacity:
                    self._starts.append(now)
                    return
                delay = 1.0 - (now - self._starts[0])
            time.sleep(max(delay, 0.001))

    def call(self, job):
        """The HTTP call (in a pool thread): ``("sent", meta id)`` or
        ``("error", exception)``; never raises."""
        try:
            self._wait_for_the_window()
            client = self._client()
            if job.template:
                meta_id = client.send_template(
                    self.phone_number_id,
                    job.phone,
                    job.template,
                    job.language,
                    job.components,
                    callback_data=job.callback_ref,
                )
            else:
                meta_id = client.send_text(
                    self.phone_number_id,
                    job.phone,
                    job.body,
                    callback_data=job.callback_ref,
                )
        except Exception as exc:  # Every failure is this message's only.
            return "error", exc
        return "sent", meta_id


class OtoWhatsappQueue(models.AbstractModel):
    _name = "oto.whatsapp.queue"
    _description = "WhatsApp queue"

    # ----------------------------------------------------------- plumbing

    @contextmanager
    def _txn(self):
        """One step, committed on its own when the job owns its cursor (a
        savepoint otherwise: in a request or a test)."""
        cr = self.env.cr
        if owns_cursor():
            try:
                yield
                self.env.flush_all()
            except BaseException:
                cr.rollback()
                raise
            # The job owns its cursor: each step of each message is kept
            # on its own, so that a crash never sends a message twice.
            cr.commit()  # pylint: disable=invalid-commit
        else:
            with cr.savepoint():
                yield

    def _step(self, name, job=None):
        """A point of the sending where a worker may die (tests raise here);
        nothing to do otherwise."""

    @api.model
    def _time_budget(self):
        """Seconds a run may last: the administrator's
        ``oto_crm_whatsapp.time_budget``, else half of Odoo's time limits
        for a cron (real time and CPU), less an HTTP timeout to finish the
        calls under way; at least 5 seconds."""
        param = self.env["ir.config_parameter"].get_param(
            "oto_crm_whatsapp.time_budget"
        )

        def positive(key):
            value = config.get(key)
            return value if isinstance(value, int | float) and value > 0 else None

        # A cron worker is killed past its real time limit (the cron's own,
        # else the requests'), and past its CPU time limit.
        real = positive("limit_time_real_cron") or positive("limit_time_real")
        limits = [v for v in (real, positive("limit_time_cpu")) if v]
        computed = max(5.0, min(limits) / 2 - HTTP_TIMEOUT) if limits else 60.0
        try:
            wanted = float(param) if param else None
        except ValueError:
            wanted = None
        return min(wanted, computed) if wanted and wanted > 0 else computed

    def _lock(self, account):
        """Take the account's lock (a worker sends for it); False when
        another worker holds it."""
        key = SQL("hashtext(%s), %s", LOCK_KEY, account.id)
        if owns_cursor():
            self.env.cr.execute(SQL("SELECT pg_try_advisory_lock(%s)", key))
        else:
            self.env.cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s)", key))
        return self.env.cr.fetchone()[0]

    def _unlock(self, account_ids):
        if owns_cursor():
            for account_id in account_ids:
                self.env.cr.execute(
                    SQL(
                        "SELECT pg_advisory_unlock(hashtext(%s), %s)",
                        LOCK_KEY,
                        account_id,
                    )
                )

    # ---------------------------------------------------------------- run

    @api.model
    def _run(self, time_budget=None):
        """Send what is due, every account at its rate, for at most
        ``time_budget`` seconds; returns how many messages were sent."""
        self = self.sudo()
        budget = self._time_budget() if time_budget is None else time_budget
        deadline = time.monotonic() + budget
        lanes, locked = {}, []
        try:
            accounts = self.env["oto.whatsapp.account"].search(
                [("state", "!=", "paused")]
            )
            for account in accounts:
                lane = self._open_lane(account, locked)
                if lane:
                    lanes[account.id] = lane
            sent = self._pump(lanes, deadline) if lanes else 0
        finally:
            if owns_cursor():
                self.env.cr.rollback()
            self._unlock(locked)
        if self._due_left():
            # What is left goes in the next run, in a new time limit.
            self.env.ref("oto_crm_whatsapp.ir_cron_oto_whatsapp_send")._trigger()
        _logger.info(
            "WhatsApp queue: %s sent in %.1f s (time budget %.1f s; %s)",
            sent,
            time.monotonic() - (deadline - budget),
            budget,
            ", ".join(f"{lane.name}: {lane.sent}" for lane in lanes.values()),
        )
        return sent

    def _due_left(self):
        self.env.cr.execute(
            SQL(
                """
                SELECT 1 FROM oto_whatsapp_message m
                  JOIN oto_whatsapp_account a ON a.id = m.account_id
                 WHERE m.state = 'queued' AND m.next_attempt <= %s
                   AND a.active AND a.state != 'paused'
                 LIMIT 1
                """,
                fields.Datetime.now(),
            )
        )
        return bool(self.env.cr.fetchone())

    def _open_lane(self, account, locked):
        """The account's lane: its lock taken (noted in ``locked``), the
        messages a dead worker left "sending" marked unknown, its token
        checked; None when it is set aside (the reason is on the account)."""
        try:
            with self._txn():
                if not self._lock(account):
                    _logger.info(
                        "WhatsApp account %s: another worker is sending", account.id
                    )
                    return None
            locked.append(account.id)
            with self._txn():
                self._recover(account)
            with self._txn():
                token = account._sending_token()
                base_url = account._graph_url()
        except UserError as exc:
            with self._txn():
                account._pause(exc.args[0])
            return None
        except Exception as exc:  # One account's trouble stops no other.
            _logger.exception("WhatsApp account %s could not start", account.id)
            with self._txn():
                account._record_failure(exc)
            return None
        return _Lane(account, token, base_url)

    def _recover(self, account):
        """Messages left "sending" by a worker that died: unknown."""
        self.env.cr.execute(
            SQL(
                """
                UPDATE oto_whatsapp_message
                   SET state = 'unknown', error_reason = %s, write_date = %s
                 WHERE account_id = %s AND state = 'sending'
                RETURNING id
                """,
                self.env._(
                    "The sending stopped before Meta's answer was recorded: Meta's "
                    "status will tell whether it was sent; otherwise check with the "
                    "customer before sending it again."
                ),
                fields.Datetime.now(),
                account.id,
            )
        )
        recovered = [row[0] for row in self.env.cr.fetchall()]
        if recovered:
            self.env["oto.whatsapp.message"].invalidate_model()
            account.message_post(
                body=self.env._(
                    "%(count)s WhatsApp message(s) were being sent when the sending "
                    "stopped: their fate is unknown until Meta's statuses come. Check "
                    "them (WhatsApp messages, filter Unknown) before sending again.",
                    count=len(recovered),
                )
            )
            _logger.warning(
                "WhatsApp account %s: %s messages of unknown fate",
                account.id,
                len(recovered),
            )
        return recovered

    # ---------------------------------------------------------------- pump

    def _workers(self):
        """Calls under way at once per account."""
        value = self.env["ir.config_parameter"].get_param(
            "oto_crm_whatsapp.http_workers"
        )
        try:
            return max(1, min(int(value), 64)) if value else DEFAULT_WORKERS
        except ValueError:
            return DEFAULT_WORKERS

    def _pump(self, lanes, deadline):
        """Dispatch every lane's messages at its pace until nothing is left
        or the time is up; record each answer as it comes."""
        workers = self._workers()
        pool = ThreadPoolExecutor(
            max_workers=workers * len(lanes), thread_name_prefix="oto-wa"
        )
        inflight = {}
        sent = 0
        finished = False
        notes_due = time.monotonic() + NOTES_EVERY
        try:
            while True:
                now = time.monotonic()
                active = [
                    lane
                    for lane in lanes.values()
                    if not lane.stopped and (lane.buffer or not lane.exhausted)
                ]
                if now >= deadline or (not active and not inflight):
                    break
                for lane in sorted(active, key=lambda lane: lane.next_slot):
                    if lane.inflight >= workers or lane.next_slot > now:
                        continue
                    if not lane.buffer:
                        self._claim(lane, lane.claim_size(deadline - now))
                    if not lane.buffer:
                        continue
                    job = lane.buffer.popleft()
                    self._step("dispatch", job)
                    inflight[pool.submit(lane.call, job)] = (lane, job)
                    lane.inflight += 1
                    # Never faster than the rate, even after falling behind.
                    lane.next_slot = max(lane.next_slot, now) + lane.interval
                    now = time.monotonic()
                sent += self._collect(inflight, lanes)
                if time.monotonic() >= notes_due:
                    self._flush_notes(lanes)
                    notes_due = time.monotonic() + NOTES_EVERY
            finished = True
        finally:
            if finished:
                # The calls under way were made: their answers are kept.
                sent += self._collect(inflight, lanes, everything=True)
                self._release(lanes)
                self._flush_notes(lanes)
            pool.shutdown(wait=finished, cancel_futures=True)
        return sent

    def _flush_notes(self, lanes):
        """The chatter notes of the messages sent, in one transaction: a
        note per message costs more than sending it. (A worker that dies
        loses the notes of its last second, never a message's state.)"""
        notes = [note for lane in lanes.values() for note in lane.notes]
        for lane in lanes.values():
            lane.notes = []
        if not notes:
            return
        try:
            with self._txn():
                self.env["oto.whatsapp.message"]._log_notes(notes)
        except Exception:  # Notes only: the messages are recorded.
            _logger.exception("WhatsApp queue: %s chatter notes lost", len(notes))

    def _collect(self, inflight, lanes, everything=False):
        """Record the answers that came (all of them with ``everything``)."""
        if not inflight:
            if not everything:
                due = [
                    lane.next_slot
                    for lane in lanes.values()
                    if not lane.stopped and (lane.buffer or not lane.exhausted)
                ]
                if due:
                    time.sleep(min(max(min(due) - time.monotonic(), 0), 0.05))
            return 0
        due = [
            lane.next_slot
            for lane in lanes.values()
            if not lane.stopped and (lane.buffer or not lane.exhausted)
        ]
        timeout = None
        if not everything:
            timeout = min(max(min(due, default=0) - time.monotonic(), 0), 0.05)
        done, _pending = wait(
            list(inflight),
            timeout=timeout,
            return_when=ALL_COMPLETED if everything else FIRST_COMPLETED,
        )
        sent = 0
        for future in done:
            lane, job = inflight.pop(future)
            lane.inflight -= 1
            outcome = future.result()
            self._step("answered", job)
            sent += self._record(lane, job, outcome)
        return sent

    # -------------------------------------------------------------- claim

    def _claim(self, lane, count):
        """Mark up to ``count`` due messages of the lane "sending" and commit
        (before any call); those the consent gate now refuses, or that
        cannot be sent as they are, fail with the reason."""
        Message = self.env["oto.whatsapp.message"]
        with self._txn():
            Message.flush_model()
            self.env.cr.execute(
                SQL(
                    """
                    SELECT id FROM oto_whatsapp_message
                     WHERE account_id = %s AND state = 'queued' AND next_attempt <= %s
                     ORDER BY next_attempt, id
                     LIMIT %s FOR UPDATE SKIP LOCKED
                    """,
                    lane.account_id,
                    fields.Datetime.now(),
                    count,
                )
            )
            messages = Message.browse([row[0] for row in self.env.cr.fetchall()])
            if not messages:
                lane.exhausted = True
                return
            refused = self._refused(messages)
            jobs = []
            for message in messages:
                try:
                    reason = refused.get(message) or message._check_sendable()
                    if reason:
                        message._fail(0, reason)
                        continue
                    jobs.append(self._job(message))
                except Exception as exc:  # This message's trouble only.
                    _logger.exception("WhatsApp message %s not sendable", message.id)
                    message._fail(0, self._error_text(exc))
            if jobs:
                self.env.cr.execute(
                    SQL(
                        """
                        UPDATE oto_whatsapp_message
                           SET state = 'sending', sending_date = %s,
                               attempts = COALESCE(attempts, 0) + 1, write_date = %s
                         WHERE id = ANY(%s)
                        """,
                        fields.Datetime.now(),
                        fields.Datetime.now(),
                        [job.message_id for job in jobs],
                    )
                )
                Message.invalidate_model(["state", "sending_date", "attempts"])
        lane.buffer.extend(jobs)
        self._step("claimed", jobs)

    def _refused(self, messages):
        """``{message: reason}`` of those the consent gate refuses now."""
        gate = self.env["oto.consent.gate"]
        refused = {}
        for purpose in set(messages.mapped("purpose")):
            batch = messages.filtered(lambda m, p=purpose: m.purpose == p)
            codes = gate._refusal_codes(batch.partner_id, "whatsapp", purpose)
            for message in batch:
                code = codes.get(message.partner_id.id)
                # The message has its own number: the customer's is not needed.
                if code and code != "no_phone":
                    refused[message] = self.env._(
                        "%(customer)s may not be contacted by WhatsApp now: "
                        "%(reason)s.",
                        customer=message.partner_id.display_name,
                        reason=gate._reason(code, "whatsapp"),
                    )
        return refused

    def _job(self, message):
        template = message.template_id
        # What the chatter will say once it is sent (read now, written with
        # the other notes: see _flush_notes).
        record, body = message._note_of(
            self.env._("WhatsApp sent to %(phone)s", phone=message.phone), sent=True
        )
        return _Job(
            note=(record._name, record.id, body) if record else None,
            message_id=message.id,
            phone=message.phone,
            body=message.body or "",
            template=template.name or "",
            language=template.language or "",
            components=message._template_components() if template else [],
            callback_ref=message.callback_ref,
        )

    def _release(self, lanes):
        """Claimed messages not sent (time up, account stopped): queued
        again, as nothing was sent."""
        ids = [job.message_id for lane in lanes.values() for job in lane.buffer]
        for lane in lanes.values():
            lane.buffer.clear()
        if ids:
            with self._txn():
                self.env.cr.execute(
                    SQL(
                        """
                        UPDATE oto_whatsapp_message
                           SET state = 'queued',
                               attempts = greatest(COALESCE(attempts, 0) - 1, 0)
                         WHERE id = ANY(%s) AND state = 'sending'
                        """,
                        ids,
                    )
                )
                self.env["oto.whatsapp.message"].invalidate_model()

    # ------------------------------------------------------------- record

    def _record(self, lane, job, outcome):
        """Keep one answer in its own transaction; 1 when it was sent."""
        status, value = outcome
        if status == "sent":
            lane.failures = 0
        elif isinstance(value, CloudApiError) and value.retryable:
            lane.failures += 1
        for _attempt in range(3):
            try:
                with self._txn():
                    message = self.env["oto.whatsapp.message"].browse(job.message_id)
                    if status == "sent":
                        self._record_sent(lane, job, value)
                    else:
                        self._record_error(lane, message, value)
                self._step("recorded", job)
                if lane.failures >= MAX_FAILURES_IN_A_ROW and not lane.stopped:
                    lane.stopped = True
                    with self._txn():
                        self.env["oto.whatsapp.account"].browse(
                            lane.account_id
                        )._record_api_error(value)
                if lane.stopped and lane.buffer:
                    # The account stopped: what it claimed was not sent.
                    self._release({lane.account_id: lane})
                return 1 if status == "sent" else 0
            except psycopg2.errors.SerializationFailure:
                # A webhook wrote the message meanwhile: read it again.
                self.env.invalidate_all()
                continue
            except Exception:
                _logger.exception(
                    "WhatsApp message %s: answer not kept", job.message_id
                )
                break
        # The answer could not be kept as usual: its essentials, alone.
        self._record_bare(job, status, value)
        return 1 if status == "sent" else 0

    def _record_sent(self, lane, job, meta_id):
        """Sent: Meta's ID kept, in as few statements as can be (one per
        message, each committed on its own)."""
        lane.sent += 1
        cr = self.env.cr
        now = fields.Datetime.now()
        cr.execute(
            SQL(
                """
                UPDATE oto_whatsapp_message
                   SET state = 'sent', meta_id = %s, sent_date = %s,
                       status_date = %s, error_code = 0, error_reason = NULL,
                       write_date = %s
                 WHERE id = %s AND state IN ('sending', 'unknown')
                RETURNING id
                """,
                meta_id,
                now,
                now,
                now,
                job.message_id,
            )
        )
        if cr.fetchone():
            if job.note:
                lane.notes.append(job.note)
        else:
            # A status matched by its callback reference came first.
            cr.execute(
                SQL(
                    "UPDATE oto_whatsapp_message SET meta_id = %s "
                    "WHERE id = %s AND meta_id IS NULL",
                    meta_id,
                    job.message_id,
                )
            )
        message = self.env["oto.whatsapp.message"].browse(job.message_id)
        message.invalidate_recordset()
        cr.execute(
            SQL(
                "SELECT 1 FROM oto_whatsapp_event "
                "WHERE meta_message_id = %s AND state = 'pending' LIMIT 1",
                meta_id,
            )
        )
        if cr.fetchone():
            message._apply_pending_statuses()

    def _record_bare(self, job, status, value):
        """The essentials of an answer, without the chatter or anything that
        could fail: sent with Meta's ID, or failed with the reason. When even
        this fails the message stays "sending" and becomes unknown: never
        sent twice."""
        try:
            with self._txn():
                if status == "sent":
                    query = SQL(
                        """
                        UPDATE oto_whatsapp_message
                           SET state = 'sent', meta_id = %s, sent_date = %s
                         WHERE id = %s AND state IN ('sending', 'unknown')
                        """,
                        value,
                        fields.Datetime.now(),
                        job.message_id,
                    )
                else:
                    query = SQL(
                        """
                        UPDATE oto_whatsapp_message
                           SET state = 'failed', error_reason = %s
                         WHERE id = %s AND state = 'sending'
                        """,
                        self._error_text(value)[:500],
                        job.message_id,
                    )
                self.env.cr.execute(query)
                self.env["oto.whatsapp.message"].invalidate_model()
        except Exception:  # Left "sending": unknown at the next run.
            _logger.exception("WhatsApp message %s: answer lost", job.message_id)

    def _error_text(self, exc):
        if isinstance(exc, CloudApiError):
            return self.env["oto.whatsapp.account"]._error_text(exc)
        if isinstance(exc, UserError | ValueError):
            return str(exc.args[0] if exc.args else exc)
        return f"{type(exc).__name__}: {exc}"

    def _record_error(self, lane, message, exc):
        account = message.account_id
        if message.state != "sending":
            # A status came first (by its callback reference): Meta has it.
            return
        if isinstance(exc, CloudApiAuthError) or (
            isinstance(exc, CloudApiError) and exc.code in ACCOUNT_CODES
        ):
            # Not sent: Meta refused the account. It pauses, its messages wait.
            self._requeue(message, message.next_attempt, count=False)
            lane.stopped = True
            account._record_api_error(exc, pause=True)
            return
        if isinstance(exc, CloudApiRateLimit):
            lane.next_slot = time.monotonic() + RATE_LIMIT_PAUSE
            self._requeue(
                message,
                fields.Datetime.now() + timedelta(seconds=RATE_LIMIT_PAUSE * 2),
                count=False,
            )
            return
        if isinstance(exc, CloudApiError) and exc.maybe_sent:
            message.write(
                {
                    "state": "unknown",
                    "error_code": exc.code or 0,
                    "error_reason": self.env._(
                        "Meta did not answer clearly (%(error)s): the message may "
                        "have been sent. Meta's status will tell; otherwise check "
                        "with the customer before sending it again.",
                        error=self._error_text(exc),
                    ),
                }
            )
            return
        if isinstance(exc, CloudApiError) and exc.code in TEMPLATE_CODES:
            message.template_id._apply_meta(TEMPLATE_CODES[exc.code])
        if (
            isinstance(exc, CloudApiError)
            and exc.retryable
            and message.attempts < MAX_ATTEMPTS
        ):
            self._requeue(
                message,
                fields.Datetime.now() + timedelta(minutes=2**message.attempts),
                error=exc,
            )
            return
        message._fail(
            exc.code if isinstance(exc, CloudApiError) else 0,
            self._error_text(exc),
        )

    def _requeue(self, message, when, count=True, error=None):
        values = {"state": "queued", "next_attempt": when}
        if not count:
            values["attempts"] = max(message.attempts - 1, 0)
        if error is not None:
            values.update(
                error_code=error.code or 0, error_reason=self._error_text(error)
            )
        message.write(values)
