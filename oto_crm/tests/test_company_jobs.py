# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import contextmanager
from unittest.mock import patch

from odoo import sql_db
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from ..models.crm_lead import CrmLead
from ..models.oto_company_job import OtoRunInProgress
from ..models.oto_result_day import OtoResultDay
from ..models.oto_suggestion_engine import OtoSuggestionEngine
from ..models.oto_wallet_engine import OtoWalletEngine
from .common import OtoCrmCommon

JOB_LOGGER = "odoo.addons.oto_crm.models.oto_company_job"


@tagged("post_install", "-at_install", "oto_crm")
class TestCompanyJobs(OtoCrmCommon):
    """Every scheduled job goes company by company: one company's failure is
    logged on it and the others go on; the wallet engine and the day's
    suggestions run once at a time per company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["oto.campaign"].create(
            [
                {
                    "name": f"Recompra {company.name}",
                    "company_id": company.id,
                    "audience": "domain",
                    "domain": "[('customer_rank', '>', 0)]",
                }
                for company in (cls.company, cls.other_company)
            ]
        )

    def _failures(self, company):
        return self.env["oto.audit"].search(
            [("action", "=", "job_failed"), ("company_id", "=", company.id)]
        )

    @staticmethod
    def _spy(original, calls):
        """``original`` noting the company it is called for in ``calls``."""

        def spy(model, *args, **kwargs):
            calls.append(
                next(
                    a
                    for a in (*args, *kwargs.values())
                    if getattr(a, "_name", "") == "res.company"
                )
            )
            return original(model, *args, **kwargs)

        return spy

    @contextmanager
    def _failing_for(self, model_class, method, company):
        """``method`` of ``model_class`` raises for ``company`` only."""
        original = getattr(model_class, method)

        def failing(model, *args, **kwargs):
            target = next(
                arg
                for arg in (*args, *kwargs.values())
                if getattr(arg, "_name", "") == "res.company"
            )
            if target == company:
                raise ZeroDivisionError("the store's data is broken")
            return original(model, *args, **kwargs)

        with patch.object(model_class, method, failing), mute_logger(JOB_LOGGER):
            yield

    def test_one_company_failing_stops_no_other_company(self):
        jobs = [
            (
                "wallet",
                OtoWalletEngine,
                "_wallet_refresh",
                lambda: self.env["oto.wallet.engine"]._cron_wallet_refresh(),
                lambda company: self.env["oto.wallet.run"].search(
                    [("company_id", "=", company.id), ("state", "=", "done")]
                ),
            ),
            (
                "suggestions",
                OtoSuggestionEngine,
                "_generate_day",
                lambda: self.env["oto.suggestion.engine"]._cron_generate_suggestions(),
                lambda company: self.env["oto.audit"].browse(),
            ),
            (
                "results",
                OtoResultDay,
                "_refresh",
                lambda: self.env["oto.result.day"]._cron_refresh(),
                lambda company: self.env["oto.audit"].browse(),
            ),
            (
                "funnel",
                CrmLead,
                "_oto_flag_idle",
                lambda: self.env["crm.lead"]._cron_oto_interaction_flags(),
                lambda company: self.env["oto.audit"].browse(),
            ),
        ]
        for job, model_class, method, run, done in jobs:
            with self.subTest(job=job):
                known = self._failures(self.company)
                calls = []
                spy = self._spy(getattr(model_class, method), calls)
                with (
                    patch.object(model_class, method, spy),
                    self._failing_for(model_class, method, self.company),
                ):
                    run()
                failure = self._failures(self.company) - known
                self.assertEqual(len(failure), 1)
                self.assertIn("the store's data is broken", failure.description)
                self.assertIn("ZeroDivisionError", failure.description)
                self.assertFalse(self._failures(self.other_company))
                # The other company was worked after the failing one.
                self.assertIn(self.other_company, calls)
                if job == "wallet":
                    self.assertTrue(done(self.other_company))
                    self.assertFalse(done(self.company))

    @contextmanager
    def _held_elsewhere(self, job, company):
        """The lock of ``company``'s ``job`` held by another connection, as
        another worker running it."""
        with sql_db.db_connect(self.env.cr.dbname).cursor() as other:
            other.execute(
                SQL(
                    "SELECT pg_advisory_lock(hashtext(%s), %s)",
                    f"oto.{job}",
                    company.id,
                )
            )
            try:
                yield
            finally:
                other.execute(
                    SQL(
                        "SELECT pg_advisory_unlock(hashtext(%s), %s)",
                        f"oto.{job}",
                        company.id,
                    )
                )

    def test_a_second_wallet_run_is_told_one_is_in_progress(self):
        store = self.store_a.with_user(self.user_manager_a)
        with self._held_elsewhere("wallet", self.company):
            with self.assertRaises(OtoRunInProgress) as caught:
                store.action_refresh_wallets()
            self.assertIn("are being refreshed right now", str(caught.exception))
            self.assertIn(self.company.name, str(caught.exception))
            # The nightly job skips the busy company (no failure) and goes on.
            with mute_logger(JOB_LOGGER):
                self.env["oto.wallet.engine"]._cron_wallet_refresh()
            runs = self.env["oto.wallet.run"].search([("state", "=", "done")])
            self.assertEqual(runs.company_id, self.other_company)
            self.assertFalse(self._failures(self.company))
        # Once the other run is over, the button works.
        result = store.action_refresh_wallets()
        self.assertEqual(result["params"]["type"], "success")

    def test_a_second_suggestions_run_is_told_one_is_in_progress(self):
        engine = self.env["oto.suggestion.engine"]
        with self._held_elsewhere("suggestions", self.company):
            with self.assertRaisesRegex(OtoRunInProgress, "being generated right now"):
                engine._generate(self.company)
            # The wallet lock is another one: it is free.
            self.env["oto.wallet.engine"]._action_wallet_refresh(self.company)
        self.assertIsInstance(engine._generate(self.company), dict)

    def test_no_other_connection_runs_while_one_runs(self):
        """Inside a run, another connection cannot take the lock."""
        seen = []

        def probe(model, company, *args, **kwargs):
            with sql_db.db_connect(self.env.cr.dbname).cursor() as other:
                other.execute(
                    SQL(
                        "SELECT pg_try_advisory_lock(hashtext('oto.wallet'), %s)",
                        company.id,
                    )
                )
                seen.append(other.fetchone()[0])
            return self.env["oto.wallet.run"]

        with patch.object(OtoWalletEngine, "_wallet_refresh", probe):
            self.env["oto.wallet.engine"]._action_wallet_refresh(self.company)
        self.assertEqual(seen, [False])
