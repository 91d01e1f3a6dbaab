# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A change that lands while a wallet run works: the run has taken the change
log already, so the change is the next run's, never lost."""

from datetime import timedelta
from unittest.mock import patch

from odoo.tests import freeze_time, tagged
from odoo.tools import SQL

from .wallet_world import NOW, WalletWorld


@tagged("post_install", "-at_install")
class TestChangesDuringARun(WalletWorld):
    """Two sellers of the same store sold to a customer at the same moment:
    the tie goes to the lower code (``S0`` before ``S3``). The first seller
    is renamed (as an import of codes writes it) while the nightly run is
    past its rankings."""

    def setUp(self):
        super().setUp()
        self.store = self.stores[0]
        self.first, self.second = self.sellers[0], self.sellers[3]
        self.assertEqual(self.first.store_id, self.store)
        self.assertEqual(self.second.store_id, self.store)
        self.customer = self.customers[0]
        at = NOW - timedelta(days=10)
        self.insert_orders(
            [
                (self.customer, self.store, self.first, at, 150.0),
                (self.customer, self.store, self.second, at, 90.0),
            ]
        )
        self.refresh("full")
        self.assertEqual(self.customer.oto_seller_id, self.first)

    def _log(self, kind):
        self.env.cr.execute(
            SQL(
                "SELECT seller_id FROM oto_wallet_change "
                "WHERE company_id = %s AND kind = %s",
                self.company.id,
                kind,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _rename_during_run(self, step, code):
        """Run the next night's incremental run; ``code`` is given to the
        first seller just before ``step`` of the engine."""
        engine = type(self.engine)
        original = getattr(engine, step)
        done = []

        def renamed(engine_self, *args, **kwargs):
            if not done:
                self.env.cr.execute(
                    SQL(
                        "UPDATE oto_seller SET code = %s WHERE id = %s",
                        code,
                        self.first.id,
                    )
                )
                done.append(step)
            return original(engine_self, *args, **kwargs)

        with patch.object(engine, step, renamed):
            run = self.refresh("incremental", NOW + timedelta(days=1))
        self.assertEqual(done, [step], "the rename happened during the run")
        return run

    def test_a_code_changed_after_the_rankings_is_the_next_runs(self):
        run = self._rename_during_run("_compute_rfv", "S9")
        self.assertEqual(run.state, "done")
        # The run had taken the log before the rename: the rename waits in
        # the log for the next run instead of being deleted unseen.
        self.assertIn(self.first.id, self._log("code"))
        with freeze_time(NOW + timedelta(days=2)):
            self.env["oto.wallet.engine"]._action_wallet_refresh(
                self.company, mode="incremental"
            )
        self.env.invalidate_all()
        self.assertFalse(self._log("code"), "each change is seen by one run")
        self.assertEqual(
            self.customer.oto_seller_id,
            self.second,
            "with S9 against S3, the tie now goes to the second seller",
        )
        incremental = self.engine_state()
        self.refresh("full", NOW + timedelta(days=2))
        self.assertEqual(incremental, self.engine_state())

    def test_a_code_changed_before_the_batches_is_the_next_runs(self):
        """Renamed after the run took the log, before its batches: the
        entry left in the log makes the next run rank the seller's
        customers again with the new code."""
        self._rename_during_run("_process_queue", "S9")
        self.assertIn(self.first.id, self._log("code"))
        with freeze_time(NOW + timedelta(days=2)):
            self.env["oto.wallet.engine"]._action_wallet_refresh(
                self.company, mode="incremental"
            )
        self.env.invalidate_all()
        self.assertFalse(self._log("code"))
        self.assertEqual(self.customer.oto_seller_id, self.second)
        incremental = self.engine_state()
        self.refresh("full", NOW + timedelta(days=2))
        self.assertEqual(incremental, self.engine_state())
