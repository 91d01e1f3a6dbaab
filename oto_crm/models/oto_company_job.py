# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Scheduled work done company by company, and the lock of a company's run.

Every scheduled job of the add-ons goes through ``_run_per_company``: each
company's work is its own transaction, a failure is rolled back, logged on
that company (the audit trail) and the next company goes on. A run that
must never overlap with another of the same company (the wallet engine, the
day's suggestions) takes ``_lock``: a PostgreSQL advisory lock keyed on the
kind of run and the company; a second run, from another worker, the nightly
job or a manager's button, is told that a run is in progress.
"""

import logging
import threading
from contextlib import contextmanager

from odoo import api, models
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# How much of an error goes into the audit trail.
MAX_ERROR_TEXT = 500


def owns_cursor():
    """Whether the running code owns its cursor and may commit: a scheduled
    job, a shell or a script; never an HTTP request (its transaction is the
    request's) nor a test (the test's transaction is rolled back)."""
    if getattr(threading.current_thread(), "testing", False):
        return False
    return not request


class OtoRunInProgress(UserError):
    """Another run of the same kind holds the company's lock."""


class OtoCompanyJob(models.AbstractModel):
    _name = "oto.company.job"
    _description = "Work done company by company"

    @api.model
    def _job_label(self, job):
        return {
            "wallet": self.env._("Wallet refresh"),
            "suggestions": self.env._("Daily suggestions"),
            "results": self.env._("Results by day"),
            "funnel": self.env._("Funnel subjects without interaction"),
            "whatsapp": self.env._("WhatsApp queue"),
        }.get(job, job)

    @api.model
    def _in_progress_message(self, job, company):
        if job == "wallet":
            return self.env._(
                "The wallets of %(company)s are being refreshed right now (by the "
                "nightly run or another manager): try again when it is done.",
                company=company.name,
            )
        if job == "suggestions":
            return self.env._(
                "The suggestions of %(company)s are being generated right now: try "
                "again when it is done.",
                company=company.name,
            )
        return self.env._(
            "%(job)s of %(company)s is running right now: try again when it is done.",
            job=self._job_label(job),
            company=company.name,
        )

    @contextmanager
    def _lock(self, job, company):
        """Hold the lock of ``company``'s run of ``job`` while the block runs;
        raises ``OtoRunInProgress`` when another transaction holds it.

        Code that owns its cursor commits as it goes: it takes a session lock,
        released at the end (or by PostgreSQL when the process dies). Code in
        a request (or a test) takes a transaction lock, held until its
        transaction ends, so that nobody starts on what it has not committed.
        """
        key = SQL("hashtext(%s), %s", f"oto.{job}", company.id)
        cr = self.env.cr
        session = owns_cursor()
        if session:
            cr.execute(SQL("SELECT pg_try_advisory_lock(%s)", key))
        else:
            cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s)", key))
        if not cr.fetchone()[0]:
            raise OtoRunInProgress(self._in_progress_message(job, company))
        try:
            yield
        except BaseException:
            if session:
                # The unlock below needs a usable transaction.
                cr.rollback()
            raise
        finally:
            if session:
                cr.execute(SQL("SELECT pg_advisory_unlock(%s)", key))

    @contextmanager
    def _step(self):
        """One company's work: committed when it ends well, rolled back
        otherwise (a savepoint when the cursor is not ours)."""
        if owns_cursor():
            try:
                yield
            except BaseException:
                self.env.cr.rollback()
                raise
            # The job owns its cursor: each company's work is kept on its own.
            self.env.cr.commit()  # pylint: disable=invalid-commit
        else:
            with self.env.cr.savepoint():
                yield

    @api.model
    def _run_per_company(self, job, companies, work):
        """``work(company)`` for each of ``companies`` in turn, each in its
        own transaction. A company whose run is in progress elsewhere is
        skipped; a failure is logged on its company and the others go on.
        Returns ``{company: result}`` of the companies done."""
        results = {}
        for company in companies:
            try:
                with self._step():
                    results[company] = work(company)
            except OtoRunInProgress as exc:
                _logger.info("%s of %s skipped: %s", job, company.name, exc)
            except Exception as exc:  # One company's failure, whatever it is.
                _logger.exception("%s of %s failed", job, company.name)
                self._log_failure(job, company, exc)
        return results

    @api.model
    def _log_failure(self, job, company, exc):
        """The failure on the company's audit trail, in its own step."""
        text = exc.args[0] if isinstance(exc, UserError) and exc.args else str(exc)
        text = " ".join(f"{type(exc).__name__}: {text}".split())
        if len(text) > MAX_ERROR_TEXT:
            text = text[: MAX_ERROR_TEXT - 1] + "…"
        try:
            with self._step():
                self.env["oto.audit"]._log(
                    "job_failed",
                    self.env._(
                        "%(job)s failed: %(error)s",
                        job=self._job_label(job),
                        error=text,
                    ),
                    company=company,
                )
        except Exception:  # The log must not stop the job.
            _logger.exception("Could not log the failure of %s", job)
