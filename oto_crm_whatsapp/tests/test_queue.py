# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The queue never sends a message twice, whatever dies when; one
message's or one account's trouble stops nothing else."""

import time
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models import oto_whatsapp_queue
from ..models.oto_whatsapp_message import OtoWhatsappMessage
from ..models.oto_whatsapp_queue import OtoWhatsappQueue
from ..tools.fake_graph import build_status_payload
from .common import TOKEN, WhatsappCommon

QUEUE_LOGGERS = (
    "odoo.addons.oto_crm_whatsapp.models.oto_whatsapp_queue",
    "odoo.addons.oto_crm_whatsapp.models.oto_whatsapp_account",
)
OTHER_NUMBER = "100200300401"
OTHER_TOKEN = "EAAG-other-number"


class KillWorker(BaseException):
    """The worker dies here (not an Exception: nothing catches it)."""


@tagged("post_install", "-at_install", "oto_crm_whatsapp")
class TestWhatsappQueue(WhatsappCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls.env["res.partner"].create(
            [
                {
                    "name": f"Cliente {n}",
                    "mobile": f"+55119870{n:05d}",
                    "city": "São Paulo",
                }
                for n in range(8)
            ]
        )
        cls.graph.add_number(OTHER_NUMBER, access_token=OTHER_TOKEN)
        cls.other_account = cls.env["oto.whatsapp.account"].create(
            {
                "name": "Aurora Ipanema",
                "phone_number_id": OTHER_NUMBER,
                "business_account_id": cls.graph.waba_id,
                "access_token": OTHER_TOKEN,
                "app_secret": "other-secret",
                "rate_per_second": 200,
            }
        )

    def setUp(self):
        super().setUp()
        self.graph.set_token(OTHER_NUMBER, OTHER_TOKEN)
        self.template = self._approved()

    # ------------------------------------------------------------ helpers

    def _queue(self, customers=None, account=None, **values):
        """Messages of the template queued to ``customers``."""
        account = account or self.account
        customers = customers if customers is not None else self.customers
        return self.env["oto.whatsapp.message"].create(
            [
                {
                    "account_id": account.id,
                    "partner_id": customer.id,
                    "phone": customer.oto_phone_e164,
                    "template_id": self.template.id,
                    "body": f"Oi {customer.name}",
                    "variables": [
                        {"name": "1", "value": customer.name},
                        {"name": "2", "value": "São Paulo"},
                    ],
                    **values,
                }
                for customer in customers
            ]
        )

    @contextmanager
    def _dies_at(self, step, occurrence=1):
        """The worker dies the ``occurrence``-th time it reaches ``step``."""
        seen = Counter()

        def step_hook(queue, name, job=None):
            if name == step:
                seen[name] += 1
                if seen[name] == occurrence:
                    raise KillWorker(step)

        with patch.object(OtoWhatsappQueue, "_step", step_hook):
            yield

    def _killed_at(self, step, occurrence):
        """Run the queue until its worker dies at ``step`` (what it
        committed stays, as after a real crash: not ``assertRaises``, which
        rolls back)."""
        with self._dies_at(step, occurrence):
            try:
                self._send_all()
            except KillWorker:
                return
        self.fail(f"the worker did not reach {step} #{occurrence}")

    def _settled(self):
        """Wait until calls of a dead worker's threads are over."""
        count = -1
        while count != len(self.graph.sent):
            count = len(self.graph.sent)
            time.sleep(0.3)

    def _assert_once_or_unknown(self, messages):
        """Meta got each message at most once; a message it got is known
        sent, one it did not get is unknown (never queued to go again)."""
        received = Counter(m.get("callback_data") for m in self.graph.sent)
        self.assertFalse(
            [ref for ref, count in received.items() if count > 1], "sent twice"
        )
        messages.invalidate_recordset()
        for message in messages:
            if message.callback_ref in received:
                self.assertIn(message.state, ("sent", "delivered", "read"), message)
                self.assertTrue(message.meta_id)
            else:
                self.assertEqual(message.state, "unknown", message)
        return received

    # ----------------------------------------------------- state machine

    def test_a_worker_killed_at_any_step_never_sends_twice(self):
        """At each step of a batch a worker may die (killed for running too
        long, a crash): the next run marks what it left unknown, Meta's
        statuses tell what was sent, nothing is sent again."""
        for step, occurrence in [
            ("claimed", 1),
            ("dispatch", 1),
            ("dispatch", 4),
            ("answered", 1),
            ("answered", 3),
            ("recorded", 2),
            ("recorded", 8),
        ]:
            with self.subTest(step=step, occurrence=occurrence):
                self.graph.reset()
                messages = self._queue()
                self._killed_at(step, occurrence)
                self._settled()
                # Restarted.
                with mute_logger(*QUEUE_LOGGERS):
                    self._send_all()
                self._settled()
                self.assertFalse(
                    messages.filtered(lambda m: m.state in ("queued", "sending"))
                )
                # Meta's statuses come, with each message's reference.
                self._hook("post_sent_statuses")
                received = self._assert_once_or_unknown(messages)
                if (step, occurrence) == ("recorded", 8):
                    # Everything was recorded: nothing unknown.
                    self.assertEqual(len(received), len(messages))
                unknown = messages.filtered(lambda m: m.state == "unknown")
                if unknown:
                    self.assertIn("check with the customer", unknown[0].error_reason)
                    self.assertEqual(self.account.unknown_count, len(unknown))
                    self.assertIn(
                        "their fate is unknown", self.account.message_ids[0].body
                    )
                messages.unlink()

    def test_an_exception_while_recording_fails_nothing_else(self):
        """Recording an answer fails: the message stays sent (its essentials
        recorded alone), the batch goes on; the chatter notes failing lose
        notes, never a message's state."""
        messages = self._queue(self.customers[:4])
        original = OtoWhatsappQueue._record_sent
        calls = Counter()

        def failing_record(queue, lane, job, meta_id):
            calls["record"] += 1
            if calls["record"] == 2:
                raise RuntimeError("the database said no")
            return original(queue, lane, job, meta_id)

        def failing_notes(model, notes):
            raise RuntimeError("the chatter is broken")

        with (
            patch.object(OtoWhatsappQueue, "_record_sent", failing_record),
            patch.object(OtoWhatsappMessage, "_log_notes", failing_notes),
            mute_logger(*QUEUE_LOGGERS),
        ):
            self.assertEqual(self._send_all(), 4)
        self.assertEqual(set(messages.mapped("state")), {"sent"})
        self.assertTrue(all(messages.mapped("meta_id")))
        self.assertEqual(len(self.graph.sent), 4)
        self._send_all()
        self.assertEqual(len(self.graph.sent), 4)
        # Without trouble, each sent message gets its note.
        more = self._queue(self.customers[4:6])
        self._send_all()
        for message in more:
            self.assertIn(
                f"WhatsApp sent to {message.phone}: {message.body}",
                message.partner_id.message_ids[0].body,
            )

    def test_one_message_in_error_fails_with_its_reason_the_others_go(self):
        good = self._queue(self.customers[:3])
        bad_phone = self._queue(self.customers[3:4], phone="+1 23")
        no_value = self._queue(
            self.customers[4:5], variables=[{"name": "1", "value": "Ana"}]
        )
        no_text = self.env["oto.whatsapp.message"].create(
            {
                "account_id": self.account.id,
                "partner_id": self.customers[5].id,
                "phone": self.customers[5].oto_phone_e164,
                "body": " ",
            }
        )
        with mute_logger(*QUEUE_LOGGERS):
            self.assertEqual(self._send_all(), 3)
        self.assertEqual(set(good.mapped("state")), {"sent"})
        self.assertEqual(bad_phone.state, "failed")
        self.assertIn("international phone number", bad_phone.error_reason)
        self.assertEqual(no_value.state, "failed")
        self.assertIn("{{2}} has no value", no_value.error_reason)
        self.assertEqual(no_text.state, "failed")
        self.assertIn("no text", no_text.error_reason)
        self.assertEqual(len(self.graph.sent), 3)

    def test_a_template_paused_at_meta_fails_its_messages_with_the_reason(self):
        messages = self._queue(self.customers[:2])
        self.graph.fail_next(2, 400, 132015, "Template is Paused")
        with mute_logger(*QUEUE_LOGGERS):
            self._send_all()
        self.assertEqual(self.template.status, "paused")
        self.assertEqual(set(messages.mapped("state")), {"failed"})
        self.assertTrue(all("paused" in m.error_reason for m in messages))
        self.assertFalse(self.graph.sent)

    def test_a_read_timeout_leaves_the_fate_unknown_until_meta_tells(self):
        message = self._queue(self.customers[:1])
        self.graph.delay = 0.6
        with (
            patch.object(oto_whatsapp_queue, "HTTP_TIMEOUT", 0.2),
            mute_logger(*QUEUE_LOGGERS),
        ):
            self._send_all()
        self.assertEqual(message.state, "unknown")
        self.assertIn("may have been sent", message.error_reason)
        # The slow answer was on its way: Meta got the message.
        deadline = time.monotonic() + 5
        while not self.graph.sent and time.monotonic() < deadline:
            time.sleep(0.05)
        self.graph.delay = 0
        # The request reached Meta: its status, with the reference, says so.
        [record] = self.graph.sent
        self.assertEqual(record["callback_data"], message.callback_ref)
        self._hook("post_status", record["message_id"], "delivered")
        self.assertEqual(
            (message.state, message.meta_id), ("delivered", record["message_id"])
        )
        # Never sent again by the queue.
        self._send_all()
        self.assertEqual(len(self.graph.sent), 1)

    def test_unknown_is_for_a_manager_to_decide(self):
        message = self._queue(self.customers[:1], state="unknown")
        manager = self.env["res.users"].create(
            {
                "name": "Gerente",
                "login": "wa_gerente",
                "groups_id": [(4, self.env.ref("oto_crm.oto_crm_group_manager").id)],
            }
        )
        with self.assertRaisesRegex(UserError, "store manager"):
            message.with_user(self.seller_user).action_resend()
        old_ref = message.callback_ref
        message.with_user(manager).action_resend()
        self.assertEqual(message.state, "queued")
        self.assertNotEqual(message.callback_ref, old_ref)
        self._send_all()
        self.assertEqual(message.state, "sent")
        self.assertEqual(
            [m["callback_data"] for m in self.graph.sent], [message.callback_ref]
        )
        with self.assertRaisesRegex(UserError, "fate is unknown"):
            message.with_user(manager).action_resend()
        other = self._queue(self.customers[1:2], state="unknown")
        other.with_user(manager).action_mark_not_sent()
        self.assertEqual(other.state, "failed")
        self.assertIn("Marked not sent by Gerente", other.error_reason)

    def test_a_worker_that_died_leaves_unknown_and_the_status_tells(self):
        """Messages left "sending" by a dead worker: the next run (it holds
        the account's lock) marks them unknown; the status matches them by
        their reference."""
        left = self._queue(self.customers[:2], state="sending")
        with mute_logger(*QUEUE_LOGGERS):
            self._send_all()
        self.assertEqual(set(left.mapped("state")), {"unknown"})
        self.assertFalse(self.graph.sent)
        payload = build_status_payload(
            self.account.phone_number_id,
            "wamid.DEAD1",
            "read",
            "5511987000000",
            waba_id=self.graph.waba_id,
            callback_data=left[0].callback_ref,
        )
        self.assertEqual(self._hook("post_payload", payload), 200)
        self.assertEqual((left[0].state, left[0].meta_id), ("read", "wamid.DEAD1"))
        self.assertIn("fate was unknown", left[0].partner_id.message_ids[0].body)
        self.assertEqual(left[1].state, "unknown")

    def test_a_status_before_the_answer_is_recorded_is_kept_and_applied(self):
        """Meta's webhook may come before the sending commits the answer:
        with the reference it applies at once; without it, it is kept and
        applied when the message is known."""
        with_ref, without_ref = self._queue(self.customers[:2])

        def status_first(queue, name, job=None):
            if name != "answered":
                return
            record = next(
                r for r in self.graph.sent if r["callback_data"] == job.callback_ref
            )
            if job.message_id == with_ref.id:
                payload = self.graph.status_payload(
                    record["message_id"], "failed", errors=[131026]
                )
            else:
                payload = build_status_payload(
                    self.account.phone_number_id,
                    record["message_id"],
                    "delivered",
                    record["to"],
                    waba_id=self.graph.waba_id,
                )
            self.assertEqual(self.graph.post_payload(payload), 200)

        with patch.object(OtoWhatsappQueue, "_step", status_first):
            self._send_all()
        self.assertEqual(with_ref.state, "failed")
        self.assertEqual(with_ref.error_code, 131026)
        self.assertTrue(with_ref.partner_id.oto_whatsapp_unavailable)
        self.assertEqual(without_ref.state, "delivered")
        kept = self.env["oto.whatsapp.event"].search(
            [("meta_message_id", "=", without_ref.meta_id)]
        )
        self.assertEqual(kept.state, "applied")

    # ------------------------------------------------------------ accounts

    def test_a_token_expiring_mid_batch_pauses_the_account_loses_nothing(self):
        self.account.rate_per_second = 10
        messages = self._queue()

        def expire(queue, name, job=None):
            if name == "dispatch" and len(self.graph.sent) >= 3:
                self.graph.set_token(self.graph.phone_number_id, "EAAG-new")

        with (
            patch.object(OtoWhatsappQueue, "_step", expire),
            mute_logger(*QUEUE_LOGGERS),
        ):
            self._send_all()
        self.assertEqual(self.account.state, "paused")
        self.assertIn("expired or revoked", self.account.last_error)
        sent = messages.filtered(lambda m: m.state == "sent")
        self.assertEqual(len(sent), len(self.graph.sent))
        self.assertEqual(set((messages - sent).mapped("state")), {"queued"})
        # Nothing counted as an attempt for the refused calls.
        self.assertEqual(set((messages - sent).mapped("attempts")), {0})
        # The administrator puts the new token and resumes: the rest goes,
        # each message once.
        self.account.access_token = "EAAG-new"
        self.account.action_resume()
        self._send_all()
        self.assertEqual(set(messages.mapped("state")), {"sent"})
        refs = Counter(m["callback_data"] for m in self.graph.sent)
        self.assertEqual(set(refs.values()), {1})
        self.assertEqual(len(refs), len(messages))

    def test_an_account_without_token_is_paused_the_others_go_on(self):
        first = self._queue(self.customers[:3])
        second = self._queue(self.customers[3:6], account=self.other_account)
        self.account.access_token = False
        with mute_logger(*QUEUE_LOGGERS):
            self.assertEqual(self._send_all(), 3)
        self.assertEqual(self.account.state, "paused")
        self.assertIn("has no access token", self.account.last_error)
        self.assertIn("has no access token", self.account.message_ids[0].body)
        self.assertEqual(set(first.mapped("state")), {"queued"})
        self.assertEqual(set(second.mapped("state")), {"sent"})
        self.assertEqual(
            {m["phone_number_id"] for m in self.graph.sent}, {OTHER_NUMBER}
        )
        with self.assertRaisesRegex(UserError, "has no access token"):
            self.account.action_resume()

    def test_an_account_meta_blocks_is_paused_with_the_reason(self):
        messages = self._queue(self.customers[:2])
        self.graph.fail_next(2, 400, 131031, "Business Account locked")
        with mute_logger(*QUEUE_LOGGERS):
            self._send_all()
        self.assertEqual(self.account.state, "paused")
        self.assertIn("131031", self.account.last_error)
        # Not failed: they wait for the account.
        self.assertEqual(set(messages.mapped("state")), {"queued"})

    def test_an_account_another_worker_sends_for_is_left_to_it(self):
        messages = self._queue(self.customers[:2])
        with patch.object(OtoWhatsappQueue, "_lock", lambda queue, account: False):
            self.assertEqual(self._send_all(), 0)
        self.assertEqual(set(messages.mapped("state")), {"queued"})
        self.assertEqual(self.account.state, "ok")

    def test_accounts_send_side_by_side_each_at_its_rate(self):
        self.account.rate_per_second = 6
        self.other_account.rate_per_second = 4
        customers = self.env["res.partner"].create(
            [{"name": f"Lado {n}", "mobile": f"+55119860{n:05d}"} for n in range(14)]
        )
        self._queue(customers[:8])
        self._queue(customers[8:], account=self.other_account)
        self._send_all()
        by_number = {}
        for record in self.graph.sent:
            by_number.setdefault(record["phone_number_id"], []).append(record["time"])
        first, second = by_number[self.graph.phone_number_id], by_number[OTHER_NUMBER]
        self.assertEqual((len(first), len(second)), (8, 6))
        self.assertLessEqual(self.busiest_second(first), 6)
        self.assertLessEqual(self.busiest_second(second), 4)
        # Side by side, not one after the other.
        self.assertLess(min(second), max(first))

    def test_an_account_meta_fails_for_stops_and_the_others_keep_their_rate(self):
        self.other_account.rate_per_second = 5
        broken = self._queue()
        customers = self.env["res.partner"].create(
            [{"name": f"Sã {n}", "mobile": f"+55119850{n:05d}"} for n in range(6)]
        )
        healthy = self._queue(customers, account=self.other_account)
        self.graph.fail_number(self.graph.phone_number_id)
        try:
            with mute_logger(*QUEUE_LOGGERS):
                self._send_all()
        finally:
            self.graph.fail_number(self.graph.phone_number_id, None)
        # Meta keeps failing for the first number: it stops for this run,
        # its messages wait for a later try, none failed or lost.
        self.assertEqual(self.account.state, "error")
        self.assertIn("131000", self.account.last_error)
        self.assertEqual(set(broken.mapped("state")), {"queued"})
        self.assertLessEqual(max(broken.mapped("attempts")), 1)
        # The other number kept its rate.
        self.assertEqual(set(healthy.mapped("state")), {"sent"})
        times = [m["time"] for m in self.graph.sent]
        self.assertEqual(len(times), 6)
        self.assertLessEqual(self.busiest_second(times), 5)
        self.assertLess(max(times) - min(times), 1.6)

    def test_meta_too_many_messages_waits_and_loses_nothing(self):
        messages = self._queue()
        self.graph.rate_limit_per_second = 3
        with mute_logger(*QUEUE_LOGGERS):
            self._send_all()
        self.graph.rate_limit_per_second = None
        waiting = messages.filtered(lambda m: m.state == "queued")
        self.assertTrue(waiting)
        self.assertFalse(messages.filtered(lambda m: m.state == "failed"))
        self.assertEqual(set(waiting.mapped("attempts")), {0})
        waiting.next_attempt = fields.Datetime.now() - timedelta(seconds=1)
        self._send_all()
        self.assertEqual(set(messages.mapped("state")), {"sent"})
        self.assertEqual(len(self.graph.sent), len(messages))

    # --------------------------------------------------------------- time

    def test_a_run_keeps_to_the_cron_time_limit(self):
        Queue = self.env["oto.whatsapp.queue"]
        options = oto_whatsapp_queue.config.options
        # Odoo's defaults: the cron's limit is the requests' (120 s), and 60 s
        # of CPU.
        defaults = {
            "limit_time_real_cron": -1,
            "limit_time_real": 120,
            "limit_time_cpu": 60,
        }
        with patch.dict(options, defaults):
            self.assertEqual(Queue._time_budget(), 20)
        longer = {**defaults, "limit_time_real_cron": 300, "limit_time_cpu": 600}
        with patch.dict(options, longer):
            self.assertEqual(Queue._time_budget(), 140)
            self.env["ir.config_parameter"].set_param(
                "oto_crm_whatsapp.time_budget", "30"
            )
            self.assertEqual(Queue._time_budget(), 30)
        with patch.dict(options, dict.fromkeys(defaults, 0)):
            self.assertEqual(Queue._time_budget(), 30)
        self.account.rate_per_second = 4
        messages = self._queue()
        cron = self.env.ref("oto_crm_whatsapp.ir_cron_oto_whatsapp_send")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        started = time.monotonic()
        sent = self._send_all(time_budget=0.6)
        self.assertLess(time.monotonic() - started, 2)
        self.assertTrue(1 <= sent < len(messages))
        self.assertEqual(
            set((messages.filtered(lambda m: m.state != "sent")).mapped("state")),
            {"queued"},
        )
        # The rest goes in the next run, triggered at once.
        self.assertGreater(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
            triggers,
        )

    # ------------------------------------------------------------- consent

    def test_the_consent_gate_is_asked_again_when_sending(self):
        """A customer who opted out after the message was queued gets
        nothing."""
        messages = self._queue(self.customers[:2])
        self.customers[0]._oto_set_consent(["whatsapp"], False, "manager", "pediu")
        self._send_all()
        self.assertEqual(messages[0].state, "failed")
        self.assertIn(
            "asked not to receive WhatsApp messages", messages[0].error_reason
        )
        self.assertEqual(messages[1].state, "sent")
        self.assertEqual([m["to"] for m in self.graph.sent], ["5511987000001"])

    def test_token_refused_by_the_client_itself(self):
        self.account.access_token = "with spaces inside"
        messages = self._queue(self.customers[:1])
        with mute_logger(*QUEUE_LOGGERS):
            self._send_all()
        self.assertEqual(messages.state, "queued")
        self.assertEqual(self.account.state, "paused")
        self.assertTrue(self.account.last_error)
        self.assertNotIn("with spaces inside", self.account.last_error)
        self.account.access_token = TOKEN
