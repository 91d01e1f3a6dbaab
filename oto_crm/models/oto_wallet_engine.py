# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The wallet engine: set-based SQL over ``oto.purchase``.

Layers, as Odoo's own lead assignment: ``_cron_wallet_refresh`` ->
``_action_wallet_refresh`` (one company: queue, batches, placement, RFV) ->
``_refresh_batch`` (one batch of customers). The rules are those of
``tools/wallet_rules.py``, which tests use as the reference.

What an incremental run looks at comes from the change log
(``oto_wallet_change``), written by triggers in the same transaction as
the change itself (an order confirmed, edited, cancelled, refunded or given
to another customer; a seller inactivated, moved or renamed; a store
inactivated or reordered; the brand's store criteria): a run takes exactly
the entries committed before it started and deletes them as it queues
their customers, so a change committed late is never missed, whatever
its timestamps say.
"""

import json
import logging
import math
import re
import threading
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.wallet_rules import parse_criteria
from .brand_time import brand_day, brand_timezone, brand_today, utc_start
from .oto_company_job import owns_cursor

_logger = logging.getLogger(__name__)

DEFAULT_BATCH = 5000
PAIR_COLUMNS = SQL(
    "partner_id, store_id, company_id, order_count, amount, last_purchase, "
    "recent_seller_ids, recent_days, recent_ats, elected_ids"
)
# A pair row computed again replaces the stored one (both ways of computing
# it, rebuilt from the orders or with new purchases added).
PAIR_UPSERT = SQL(
    """ON CONFLICT (partner_id, store_id) DO UPDATE
       SET order_count = EXCLUDED.order_count, amount = EXCLUDED.amount,
           last_purchase = EXCLUDED.last_purchase,
           recent_seller_ids = EXCLUDED.recent_seller_ids,
           recent_days = EXCLUDED.recent_days,
           recent_ats = EXCLUDED.recent_ats,
           elected_ids = EXCLUDED.elected_ids"""
)
# From this many customers queued, a full run works in set-based passes.
DEFAULT_FULL_PASS = 50000
# What a queued customer needs (``oto_wallet_run_queue.step``); the lowest
# wins when several apply.
REBUILD, DELTA, MERGE = 0, 1, 2


def _testing():
    return getattr(threading.current_thread(), "testing", False)


class OtoWalletEngine(models.AbstractModel):
    _name = "oto.wallet.engine"
    _description = "Wallet engine"

    # ------------------------------------------------------------------ CRON

    @api.model
    def _cron_wallet_refresh(self):
        """Each company's wallets in turn: one company's failure is logged on
        it and the others go on; a company whose run is in progress (a
        manager's button) is skipped."""
        self._purge_changes_without_stores()
        companies = self.env["oto.store"].sudo().search([]).company_id
        self.env["oto.company.job"]._run_per_company(
            "wallet",
            companies,
            lambda company: self.with_company(company)._action_wallet_refresh(company),
        )

    @api.model
    def _purge_changes_without_stores(self):
        """The change log of companies without an active store is read by
        no run: emptied. Their engine state is no longer kept up to date
        (nothing is logged for them), so the first run after a store comes
        back rebuilds it in full."""
        self.env["oto.store"].flush_model(["company_id", "active"])
        self.env["res.company"].flush_model(["oto_last_engine_run"])
        cr = self.env.cr
        cr.execute(
            SQL(
                "DELETE FROM oto_wallet_change c WHERE NOT EXISTS ("
                " SELECT 1 FROM oto_store s"
                " WHERE s.company_id = c.company_id AND s.active)"
            )
        )
        purged = cr.rowcount
        cr.execute(
            SQL(
                "UPDATE res_company c SET oto_last_engine_run = NULL"
                " WHERE c.oto_last_engine_run IS NOT NULL AND NOT EXISTS ("
                " SELECT 1 FROM oto_store s"
                " WHERE s.company_id = c.id AND s.active)"
            )
        )
        cleared = cr.rowcount
        if cleared:
            self.env["res.company"].invalidate_model(["oto_last_engine_run"])
        if purged or cleared:
            _logger.info(
                "Wallet change log: %s entries of companies without stores "
                "purged; %s companies to rebuild in full once they have one",
                purged,
                cleared,
            )

    # --------------------------------------------------------------- ACTIONS

    @api.model
    def _action_wallet_refresh(self, company, mode=None, store=None, batch_size=None):
        """Bring the wallets of ``company`` up to date; returns the run.

        ``mode``: ``full`` (every customer with purchases in the window),
        ``incremental`` (the customers of the change log, and those with
        purchases leaving the window), ``store`` (the customers of
        ``store``); default: incremental after a first full run. An
        unfinished run of the same scope is resumed first. One run per
        company at a time: another one (the nightly job, another manager)
        raises ``OtoRunInProgress``.
        """
        self = self.sudo().with_company(company)
        with self.env["oto.company.job"]._lock("wallet", company):
            return self._wallet_refresh(company, mode, store, batch_size)

    def _wallet_refresh(self, company, mode, store, batch_size):
        self.env.flush_all()
        Run = self.env["oto.wallet.run"]
        run = Run.search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "running"),
                ("store_id", "=", store.id if store else False),
            ],
            limit=1,
        )
        if not run:
            run = self._start_run(company, mode, store)
        batch_size = batch_size or int(
            self.env["ir.config_parameter"].get_param(
                "oto_crm.wallet_batch_size", DEFAULT_BATCH
            )
        )
        resumed = bool(run.processed)
        full_pass = int(
            self.env["ir.config_parameter"].get_param(
                "oto_crm.wallet_full_pass_from", DEFAULT_FULL_PASS
            )
        )
        if run.mode == "full" and not resumed and run.total >= full_pass:
            processed = self._refresh_all(run)
        else:
            processed = self._process_queue(run, batch_size)
        if run.merge_all:
            # The brand's store criteria changed: every customer's preferred
            # store again, from the engine state (no order is read).
            self._refresh_customers(company)
            self._invalidate_engine_fields()
            run.moved += self._apply_preferred(company, None)
            run.merge_all = False
            self._commit()
            processed = None
        incremental = run.mode == "incremental" and not resumed
        self._place_customers(run, processed if incremental else None)
        if run.mode == "store" or (incremental and processed is not None):
            # The batches scored their customers; left: those whose recency
            # crossed a threshold since the last run.
            self._compute_rfv(
                company, [], since=run.since or company.oto_last_engine_run
            )
        else:
            self._compute_rfv(company)
        run.write({"state": "done", "finished": fields.Datetime.now()})
        if run.mode != "store":
            company.write(
                {
                    "oto_last_engine_run": run.watermark,
                    "oto_engine_timezone": run.timezone,
                }
            )
        self._commit()
        _logger.info(
            "Wallet refresh %s of %s: %s customers, %s moved, %s placed, %s without seller",
            run.mode,
            company.name,
            run.processed,
            run.moved,
            run.placed,
            run.unplaced,
        )
        return run

    def _commit(self):
        # A job owns its cursor: commit each step so a crash keeps the work
        # done (never in a request, whose transaction is the request's, nor
        # under test).
        if owns_cursor():
            self.env.cr.commit()  # pylint: disable=invalid-commit

    # -------------------------------------------------------------- BUSINESS

    def _window_start(self, company, now):
        return now - relativedelta(months=company.oto_window_months)

    def _full_run_reason(self, company, now):
        """Why the next run must rebuild everything (None: it need not):
        never run, settings that change the engine state (they clear the
        last run), the brand's time zone changed since the state was built
        (its days are the old zone's), or a clock gone back."""
        last = company.oto_last_engine_run
        if not last:
            return "first run"
        if (company.oto_engine_timezone or brand_timezone(self.env)) != brand_timezone(
            self.env
        ):
            return "time zone changed"
        if now < last:
            return "clock before the last run"
        return None

    def _start_run(self, company, mode, store):
        now = fields.Datetime.now()
        last = company.oto_last_engine_run
        reason = self._full_run_reason(company, now)
        if store:
            mode = "store"
        elif not mode:
            mode = "full" if reason else "incremental"
        if mode == "incremental" and reason:
            _logger.info("Wallet refresh of %s: full run (%s)", company.name, reason)
            mode = "full"
        # The engine state holds the purchases of the window of the last
        # company run; a store run keeps to it (its watermark and its
        # window), so that the next incremental run adds exactly the
        # purchases dated after it and subtracts those that left since.
        watermark = last if mode == "store" and last and not reason else now
        window_start = self._window_start(company, watermark)
        run = self.env["oto.wallet.run"].create(
            {
                "company_id": company.id,
                "store_id": store.id if store else False,
                "mode": mode,
                "window_start": window_start,
                "watermark": watermark,
                "since": last if mode == "incremental" else False,
                "timezone": brand_timezone(self.env),
            }
        )
        if mode == "incremental":
            self._queue_changes(run)
        else:
            self._queue_all(run)
        run.total = run._queue_size()
        self._commit()
        return run

    def _queue_all(self, run):
        """Queue every customer of the run's scope for a rebuild; a company
        run takes the change log with it (its entries are what the rebuild
        reads anyway)."""
        company = run.company_id
        params = {
            "run": run.id,
            "company": company.id,
            "start": run.window_start,
            "step": REBUILD,
        }
        if run.store_id:
            selection = SQL(
                """
                SELECT partner_id FROM oto_purchase
                 WHERE company_id = %(company)s AND store_id = %(store)s
                   AND date >= %(start)s AND partner_id IS NOT NULL
                UNION
                SELECT partner_id FROM oto_wallet_pair WHERE store_id = %(store)s
                UNION
                SELECT id FROM res_partner WHERE oto_store_id = %(store)s
                """,
                store=run.store_id.id,
                **params,
            )
        else:
            self._consume_changes(run)
            selection = SQL(
                """
                SELECT partner_id FROM oto_purchase
                 WHERE company_id = %(company)s AND date >= %(start)s
                   AND partner_id IS NOT NULL
                UNION
                SELECT partner_id FROM oto_wallet_pair WHERE company_id = %(company)s
                """,
                **params,
            )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO oto_wallet_run_queue (run_id, partner_id, step)
                SELECT %(run)s, q.partner_id, %(step)s FROM (%(selection)s) AS q(partner_id)
                 WHERE q.partner_id IS NOT NULL
                ON CONFLICT DO NOTHING
                """,
                selection=selection,
                **params,
            )
        )

    def _consume_changes(self, run, queue_purchases=None):
        """Take the company's entries of the change log committed before
        this transaction, and delete them: each is seen by exactly one run.
        A purchase dated after the watermark stays for the run whose
        watermark passes it (its old version, if any, is taken now).

        ``queue_purchases``: SQL of a statement queueing the customers of
        the purchase entries, given the CTE ``purchase(partner_id,
        old_date, new_date)``; it runs in the same statement. Returns the
        other entries: [(kind, store id, seller id)]."""
        queue = queue_purchases or SQL("SELECT 1")
        self.env.cr.execute(
            SQL(
                """
                WITH consumed AS (
                    DELETE FROM oto_wallet_change
                     WHERE company_id = %(company)s
                       AND (new_date IS NULL OR new_date <= %(until)s)
                    RETURNING kind, partner_id, old_date, new_date, store_id, seller_id
                ), kept AS (
                    UPDATE oto_wallet_change SET old_date = NULL
                     WHERE company_id = %(company)s AND new_date > %(until)s
                       AND old_date IS NOT NULL
                    RETURNING partner_id, old_date
                ), purchase AS (
                    SELECT partner_id, old_date, new_date FROM consumed
                     WHERE kind = 'purchase' AND partner_id IS NOT NULL
                    UNION ALL
                    SELECT partner_id, old_date, NULL FROM kept
                     WHERE partner_id IS NOT NULL
                ), queued AS (%(queue)s)
                SELECT DISTINCT kind, store_id, seller_id FROM consumed
                 WHERE kind <> 'purchase'
                """,
                company=run.company_id.id,
                until=run.watermark,
                queue=queue,
            )
        )
        return self.env.cr.fetchall()

    def _queue_changes(self, run):
        """The queue of an incremental run, from the change log:

        - a customer whose only changes are purchases dated after the last
          run (their old and new versions alike: never counted yet), or
          whose purchases leave the window, is brought up to date from
          their state (``DELTA``): the purchases that left subtracted,
          the new ones added;
        - any other change to a customer's purchases (an order edited,
          cancelled, refunded, back-dated, committed late, given to another
          customer: both are queued) rebuilds their state (``REBUILD``);
        - a seller inactivated, reactivated or moved: the customers whose
          preferred store is one of the seller's stores choose their seller
          again from their state (``MERGE``); a store inactivated,
          reactivated or reordered: its customers choose their store again;
          a seller's code changed: the rankings that hold the seller are
          recomputed, then their customers choose again;
        - the brand's store criteria changed: every customer (``merge_all``).
        """
        company = run.company_id
        since = run.since
        entries = self._consume_changes(
            run,
            SQL(
                """
                INSERT INTO oto_wallet_run_queue (run_id, partner_id, step)
                SELECT %(run)s, q.partner_id, min(q.step)
                  FROM (SELECT partner_id,
                               CASE WHEN (old_date IS NULL OR old_date > %(since)s)
                                     AND (new_date IS NULL OR new_date > %(since)s)
                                    THEN %(delta)s ELSE %(rebuild)s END AS step
                          FROM purchase
                        UNION ALL
                        -- Purchases leaving the window since the last run.
                        SELECT partner_id, %(delta)s FROM oto_purchase
                         WHERE company_id = %(company)s AND partner_id IS NOT NULL
                           AND store_id IS NOT NULL
                           AND date >= %(previous_start)s AND date < %(start)s) q
                 GROUP BY q.partner_id
                """,
                run=run.id,
                since=since,
                delta=DELTA,
                rebuild=REBUILD,
                company=company.id,
                previous_start=self._window_start(company, since),
                start=run.window_start,
            ),
        )
        stores = sorted({store for kind, store, _s in entries if store})
        renamed = sorted({seller for kind, _st, seller in entries if kind == "code"})
        if any(kind == "criteria" for kind, _st, _s in entries):
            run.merge_all = True
        parts = []
        if renamed:
            parts.append(self._rerank_sellers(company, renamed))
        if stores:
            parts.append(
                SQL(
                    """
                    SELECT partner_id FROM oto_wallet_customer
                     WHERE company_id = %(company)s
                       AND preferred_store_id = ANY(%(stores)s)
                    UNION
                    SELECT partner_id FROM oto_wallet_pair
                     WHERE store_id = ANY(%(stores)s)
                    """,
                    company=company.id,
                    stores=stores,
                )
            )
        if parts:
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO oto_wallet_run_queue (run_id, partner_id, step)
                    SELECT %(run)s, q.partner_id, %(merge)s FROM (%(parts)s) AS q(partner_id)
                    ON CONFLICT DO NOTHING
                    """,
                    run=run.id,
                    merge=MERGE,
                    parts=SQL(" UNION ").join(parts),
                )
            )

    def _ranking_sql(self, ids, ats, code_rank):
        """SQL expression: the sellers of the visits ``ids`` (seller ids)
        at ``ats`` (their times) ranked for election: most visits, then
        the most recent sale, then the lowest code (``code_rank``), then the
        lowest id; a single seller is their own ranking."""
        return SQL(
            """CASE WHEN %(ids)s <@ %(ids)s[1:1] THEN %(ids)s[1:1]
               ELSE (SELECT array_agg(e.seller_id ORDER BY e.votes DESC, e.last_at DESC,
                                      (%(code_rank)s::int[])[e.seller_id], e.seller_id)
                       FROM (SELECT x.seller_id, count(*) AS votes, max(x.at) AS last_at
                               FROM unnest(%(ids)s, %(ats)s) AS x(seller_id, at)
                              GROUP BY x.seller_id) e)
               END""",
            ids=ids,
            ats=ats,
            code_rank=code_rank,
        )

    def _rerank_sellers(self, company, seller_ids):
        """Recompute, with the sellers' codes of now, the rankings that hold
        one of ``seller_ids`` (a code changed); returns SQL of the
        customers whose ranking changed."""
        self.env.cr.execute(
            SQL(
                """
                UPDATE oto_wallet_pair wp SET elected_ids = r.ranking
                  FROM (SELECT id, %(ranking)s AS ranking FROM oto_wallet_pair
                         WHERE company_id = %(company)s
                           AND recent_seller_ids && %(sellers)s::int[]) r
                 WHERE wp.id = r.id AND wp.elected_ids IS DISTINCT FROM r.ranking
                RETURNING wp.partner_id
                """,
                ranking=self._ranking_sql(
                    SQL("recent_seller_ids"),
                    SQL("recent_ats"),
                    self._seller_code_rank(),
                ),
                company=company.id,
                sellers=seller_ids,
            )
        )
        partners = sorted({row[0] for row in self.env.cr.fetchall()})
        return SQL("SELECT unnest(%s::int[])", partners)

    def _process_queue(self, run, batch_size):
        """Process the run's queue in batches; returns the customers done.

        Customers brought up to date from their state go first, in batches
        ten times larger (a day of purchases costs a tenth of rebuilding a
        year), then those who only choose again, then the rebuilt ones."""
        cr = self.env.cr
        processed = []
        remaining = run._queue_size()
        phases = [
            (DELTA, batch_size * 10),
            (MERGE, batch_size * 10),
            (REBUILD, batch_size),
        ]
        while phases:
            step, size = phases[0]
            cr.execute(
                SQL(
                    """
                    SELECT partner_id FROM oto_wallet_run_queue
                     WHERE run_id = %s AND step = %s ORDER BY partner_id LIMIT %s
                    """,
                    run.id,
                    step,
                    size,
                )
            )
            partner_ids = [row[0] for row in cr.fetchall()]
            if not partner_ids:
                phases.pop(0)
                continue
            # A batch is all or nothing: its results and its removal from the
            # queue land together (then the cron commits).
            with cr.savepoint():
                moved = self._refresh_batch(run, partner_ids, step)
                last = remaining <= len(partner_ids)
                cr.execute(
                    SQL(
                        "DELETE FROM oto_wallet_run_queue WHERE run_id = %s %s",
                        run.id,
                        SQL() if last else SQL("AND partner_id = ANY(%s)", partner_ids),
                    )
                )
                run.write(
                    {
                        "processed": run.processed + len(partner_ids),
                        "moved": run.moved + moved,
                    }
                )
            remaining -= len(partner_ids)
            self.env["ir.cron"]._notify_progress(
                done=run.processed, remaining=max(remaining, 0)
            )
            processed += partner_ids
            self._commit()
        return processed

    def _refresh_all(self, run):
        """A full run over many customers: the same steps as the batches, each
        one set-based pass over all the company's purchases (one scan of the
        orders instead of an index probe per customer). Not resumable midway:
        a crash reruns it whole, with the same result."""
        company = run.company_id
        self._set_work_mem()
        self._refresh_pairs(company, None, run.window_start, run.watermark)
        self._refresh_customers(company)
        self._invalidate_engine_fields()
        moved = self._apply_preferred(company, None)
        self.env.cr.execute(
            SQL("DELETE FROM oto_wallet_run_queue WHERE run_id = %s", run.id)
        )
        run.write({"processed": run.total, "moved": moved})
        self._commit()
        return None

    def _set_work_mem(self):
        """Sorts of many rows: give this transaction the memory to do them
        without spilling to disk (``oto_crm.wallet_work_mem``)."""
        work_mem = self.env["ir.config_parameter"].get_param(
            "oto_crm.wallet_work_mem", "256MB"
        )
        if re.fullmatch(r"\d{1,5}(kB|MB|GB)", work_mem or ""):
            self.env.cr.execute(
                SQL("SELECT set_config('work_mem', %s, true)", work_mem)
            )

    def _invalidate_engine_fields(self):
        self.env["oto.wallet.pair"].invalidate_model()
        self.env["oto.wallet.customer"].invalidate_model()
        self.env["res.partner"].invalidate_model(
            [
                "oto_wallet_state_ids",
                "oto_last_purchase",
                "oto_purchase_count",
                "oto_purchase_amount",
                "oto_preferred_store_id",
                "oto_preferred_seller_id",
                "oto_r_score",
                "oto_f_score",
                "oto_v_score",
                "oto_rfv_segment_id",
                "oto_recency_days",
            ]
        )

    def _refresh_batch(self, run, partner_ids, step=REBUILD):
        """Bring the engine state of these customers up to date: rebuilt from
        their purchases (``REBUILD``), from their state with the purchases
        that left the window subtracted and the new ones added (``DELTA``),
        or their choice of store and seller made again from their state
        (``MERGE``). Returns how many changed seller by the rule."""
        company = run.company_id
        self._set_work_mem()
        removable = partner_ids
        if step == REBUILD or not run.since:
            self._refresh_pairs(company, partner_ids, run.window_start, run.watermark)
        elif step == DELTA:
            self._subtract_leaving(
                company,
                partner_ids,
                self._window_start(company, run.since),
                run.window_start,
            )
            self._add_new_purchases(company, partner_ids, run.since, run.watermark)
        else:
            removable = []
        self._refresh_customers(company, partner_ids, removable=removable)
        self._invalidate_engine_fields()
        return self._apply_preferred(company, partner_ids)

    def _customer_rows(self, company, partner_ids):
        """SQL (a FROM item): the state rows ``c`` of these customers (None:
        all), looked up one by one (a list of ids as a filter makes the
        planner scan the whole table)."""
        if partner_ids is None:
            return SQL("oto_wallet_customer c")
        return SQL(
            "unnest(%s::int[]) AS scope(id) "
            "JOIN oto_wallet_customer c ON c.partner_id = scope.id AND c.company_id = %s",
            partner_ids,
            company.id,
        )

    def _partner_scope(self, column, partner_ids):
        """SQL: ``column`` among ``partner_ids``, or any customer (None)."""
        if partner_ids is None:
            return SQL("%s IS NOT NULL", SQL.identifier(*column.split(".")))
        return SQL("%s = ANY(%s)", SQL.identifier(*column.split(".")), partner_ids)

    def _pairs_sql(self, company, partner_ids, window_start, until):
        """SQL: the engine state per (customer, store) of these customers
        (None: all) from their purchases in the window, with the columns of
        ``oto_wallet_pair``. A visit is one (brand day, seller) at the store,
        at the time of its last sale that day."""
        return SQL(
            """
            WITH purchase AS (
                SELECT partner_id, store_id, seller_id, day, date, amount
                  FROM oto_purchase
                 WHERE company_id = %(company)s AND %(scope)s
                   AND date >= %(start)s AND date <= %(until)s AND store_id IS NOT NULL
            ), visit AS (
                SELECT partner_id, store_id, seller_id, day, max(date) AS at
                  FROM purchase WHERE seller_id IS NOT NULL
                 GROUP BY partner_id, store_id, seller_id, day
            ), ranked AS (
                SELECT partner_id, store_id, seller_id, day, at,
                       row_number() OVER (PARTITION BY partner_id, store_id
                                          ORDER BY at DESC, seller_id) AS rn
                  FROM visit
            ), recent AS (
                SELECT partner_id, store_id, array_agg(seller_id ORDER BY rn) AS ids,
                       array_agg(day ORDER BY rn) AS days, array_agg(at ORDER BY rn) AS ats
                  FROM ranked WHERE rn <= %(keep)s
                 GROUP BY partner_id, store_id
            ), vote AS (
                SELECT partner_id, store_id, seller_id, count(*) AS votes,
                       max(at) AS last_at
                  FROM ranked WHERE rn <= %(keep)s
                 GROUP BY partner_id, store_id, seller_id
            ), elected AS (
                SELECT v.partner_id, v.store_id,
                       array_agg(v.seller_id ORDER BY v.votes DESC, v.last_at DESC,
                                 s.code COLLATE "C", v.seller_id) AS ids
                  FROM vote v JOIN oto_seller s ON s.id = v.seller_id
                 GROUP BY v.partner_id, v.store_id
            )
            SELECT p.partner_id, p.store_id, %(company)s AS company_id,
                   count(*) AS order_count, sum(p.amount) AS amount,
                   max(p.date) AS last_purchase, min(recent.ids) AS recent_seller_ids,
                   min(recent.days) AS recent_days, min(recent.ats) AS recent_ats,
                   min(elected.ids) AS elected_ids
              FROM purchase p
              LEFT JOIN recent ON recent.partner_id = p.partner_id
                              AND recent.store_id = p.store_id
              LEFT JOIN elected ON elected.partner_id = p.partner_id
                               AND elected.store_id = p.store_id
             GROUP BY p.partner_id, p.store_id
            """,
            company=company.id,
            scope=self._partner_scope("partner_id", partner_ids),
            start=window_start,
            until=until,
            keep=company.oto_preferred_orders,
        )

    def _refresh_pairs(self, company, partner_ids, window_start, until):
        """Rebuild the engine state of these customers (None: all) from
        their purchases in the window."""
        cr = self.env.cr
        state = self._pairs_sql(company, partner_ids, window_start, until)
        if partner_ids is None:
            cr.execute(
                SQL("DELETE FROM oto_wallet_pair WHERE company_id = %s", company.id)
            )
            cr.execute(
                SQL(
                    "INSERT INTO oto_wallet_pair (%(columns)s) "
                    "SELECT %(columns)s FROM (%(state)s) AS n",
                    columns=PAIR_COLUMNS,
                    state=state,
                )
            )
            return
        # A batch: merge, so that unchanged rows stay as they are and changed
        # ones are updated in place (no index nor foreign key work).
        cr.execute(
            SQL(
                """
                WITH n AS MATERIALIZED (%(state)s),
                gone AS (
                    DELETE FROM oto_wallet_pair wp
                     WHERE wp.partner_id = ANY(%(partners)s) AND wp.company_id = %(company)s
                       AND NOT EXISTS (SELECT 1 FROM n WHERE n.partner_id = wp.partner_id
                                                       AND n.store_id = wp.store_id)
                )
                INSERT INTO oto_wallet_pair AS wp (%(columns)s)
                SELECT %(columns)s FROM n
                %(upsert)s
                 WHERE (wp.order_count, wp.amount, wp.last_purchase, wp.recent_seller_ids,
                        wp.recent_ats, wp.elected_ids)
                       IS DISTINCT FROM (EXCLUDED.order_count, EXCLUDED.amount,
                                         EXCLUDED.last_purchase, EXCLUDED.recent_seller_ids,
                                         EXCLUDED.recent_ats, EXCLUDED.elected_ids)
                """,
                state=state,
                partners=partner_ids,
                company=company.id,
                columns=PAIR_COLUMNS,
                upsert=PAIR_UPSERT,
            )
        )

    def _store_order_sql(self, company):
        columns = {
            "count": SQL("wp.order_count DESC"),
            "amount": SQL("round(wp.amount::numeric, 2) DESC"),
            "recent": SQL("wp.last_purchase DESC"),
        }
        return SQL(", ").join(
            columns[c] for c in parse_criteria(company.oto_store_criteria)
        )

    def _elected_seller_sql(self, elected, store, first):
        """SQL expression: the first seller of the ranking ``elected`` (an
        array: most visits among the recent ones, then the most recent sale,
        then the lowest code) who is active and works at ``store``.
        ``first``: that seller when the ranking's first one qualifies (a
        join done by the caller), else NULL: only then is the ranking
        searched further."""
        return SQL(
            """COALESCE(
                   %(first)s,
                   (SELECT s.id
                      FROM unnest(%(elected)s) WITH ORDINALITY AS x(seller_id, n)
                      JOIN oto_seller s ON s.id = x.seller_id AND s.active
                                       AND s.store_id = %(store)s
                     ORDER BY x.n LIMIT 1))""",
            first=first,
            elected=elected,
            store=store,
        )

    def _preferred_seller_sql(self, company, pairs):
        """SQL of (partner_id, seller_id): the elected seller of each
        (partner_id, store_id) row of ``pairs`` (an SQL query), from the
        pair's ranking (``_elected_seller_sql``)."""
        return SQL(
            """
            SELECT q.partner_id, q.seller_id FROM (
                SELECT pr.partner_id, %(seller)s AS seller_id
                  FROM (%(pairs)s) pr
                  JOIN oto_wallet_pair wp ON wp.partner_id = pr.partner_id
                                         AND wp.store_id = pr.store_id
                  LEFT JOIN oto_seller first ON first.id = wp.elected_ids[1] AND first.active
                                            AND first.store_id = pr.store_id
            ) q
             WHERE q.seller_id IS NOT NULL
            """,
            pairs=pairs,
            seller=self._elected_seller_sql(
                SQL("wp.elected_ids"), SQL("pr.store_id"), SQL("first.id")
            ),
        )

    def _subtract_leaving(self, company, partner_ids, previous_start, start):
        """Take out of the engine state of these customers their purchases
        that left the window since the last run (dated from
        ``previous_start`` to before ``start``).

        Exact, not an approximation: the purchases leaving are older than
        every purchase that stays, so the last purchase does not change, and
        the recent visits that stay are those of the list dated from
        ``start`` (a visit is at its last sale of the day: one that had an
        older sale leave stays, at the same time); when a visit of the list
        leaves, every older one had left already, so the list is not to be
        completed from the orders. A pair left without purchases goes."""
        if previous_start >= start:
            return
        self.env.cr.execute(
            SQL(
                """
                WITH leaving AS MATERIALIZED (
                    SELECT partner_id, store_id, count(*) AS n, sum(amount) AS amount
                      FROM oto_purchase
                     WHERE company_id = %(company)s AND partner_id = ANY(%(partners)s)
                       AND date >= %(previous_start)s AND date < %(start)s
                       AND store_id IS NOT NULL
                     GROUP BY partner_id, store_id
                ), cut AS MATERIALIZED (
                    SELECT wp.id, wp.order_count - l.n AS order_count,
                           wp.amount - l.amount AS amount, k.ids, k.days, k.ats
                      FROM leaving l
                      JOIN oto_wallet_pair wp ON wp.partner_id = l.partner_id
                                             AND wp.store_id = l.store_id
                     CROSS JOIN LATERAL (
                        SELECT array_agg(x.seller_id ORDER BY x.n) AS ids,
                               array_agg(x.day ORDER BY x.n) AS days,
                               array_agg(x.at ORDER BY x.n) AS ats
                          FROM unnest(wp.recent_seller_ids, wp.recent_days, wp.recent_ats)
                               WITH ORDINALITY AS x(seller_id, day, at, n)
                         WHERE x.at >= %(start)s
                     ) k
                ), gone AS (
                    DELETE FROM oto_wallet_pair wp USING cut
                     WHERE wp.id = cut.id AND cut.order_count <= 0
                )
                UPDATE oto_wallet_pair wp
                   SET order_count = cut.order_count, amount = cut.amount,
                       recent_seller_ids = cut.ids, recent_days = cut.days,
                       recent_ats = cut.ats,
                       elected_ids = CASE WHEN cut.ats IS NOT DISTINCT FROM wp.recent_ats
                                          THEN wp.elected_ids ELSE %(ranking)s END
                  FROM cut
                 WHERE wp.id = cut.id AND cut.order_count > 0
                """,
                company=company.id,
                partners=partner_ids,
                previous_start=previous_start,
                start=start,
                ranking=self._ranking_sql(
                    SQL("cut.ids"), SQL("cut.ats"), self._seller_code_rank()
                ),
            )
        )

    def _add_new_purchases(self, company, partner_ids, since, until):
        """Add to the engine state of these customers their purchases dated
        after ``since`` (the previous run), up to ``until``: counts, amounts
        and last purchase grow; the new visits go ahead of the recent ones.

        Exact, not an approximation: every new visit is later than every
        visit in the state (or on its last day), so the merged list, a visit
        once per (seller, day), most recent first, trimmed to the orders
        considered, is the one a rebuild would give. Only for customers
        whose other purchases did not change (the run's queue knows)."""
        self.env.cr.execute(
            SQL(
                """
                WITH purchase AS MATERIALIZED (
                    SELECT partner_id, store_id, seller_id, day, date, amount
                      FROM oto_purchase
                     WHERE company_id = %(company)s AND partner_id = ANY(%(partners)s)
                       AND date > %(since)s AND date <= %(until)s
                       AND store_id IS NOT NULL
                ), visit AS (
                    SELECT partner_id, store_id, seller_id, day, max(date) AS at,
                           count(*) AS order_count, sum(amount) AS amount
                      FROM purchase
                     GROUP BY partner_id, store_id, seller_id, day
                ), added AS (
                    -- One aggregate (no join of aggregates: the planner cannot
                    -- estimate a day of new orders before statistics see them).
                    SELECT partner_id, store_id, sum(order_count) AS order_count,
                           sum(amount) AS amount, max(at) AS last_purchase,
                           array_agg(seller_id ORDER BY at DESC, seller_id)
                               FILTER (WHERE seller_id IS NOT NULL) AS ids,
                           array_agg(day ORDER BY at DESC, seller_id)
                               FILTER (WHERE seller_id IS NOT NULL) AS days,
                           array_agg(at ORDER BY at DESC, seller_id)
                               FILTER (WHERE seller_id IS NOT NULL) AS ats
                      FROM visit GROUP BY partner_id, store_id
                ), merged AS (
                    SELECT a.partner_id, a.store_id,
                           COALESCE(old.order_count, 0) + a.order_count AS order_count,
                           COALESCE(old.amount, 0) + a.amount AS amount,
                           GREATEST(old.last_purchase, a.last_purchase) AS last_purchase,
                           m.ids, m.days, m.ats
                      FROM added a
                      LEFT JOIN oto_wallet_pair old ON old.partner_id = a.partner_id
                                                   AND old.store_id = a.store_id
                     CROSS JOIN LATERAL (
                        -- The new visits go ahead of the old ones; only when
                        -- the oldest new visit is on the day of the newest old
                        -- one can a (seller, day) be in both: then a visit
                        -- counts once, at its new (later) time.
                        SELECT CASE WHEN f.apart
                                    THEN (a.ids || old.recent_seller_ids)[1:%(keep)s]
                               ELSE (SELECT array_agg(k.seller_id ORDER BY k.rank)
                                       FROM (%(overlap)s) k) END AS ids,
                               CASE WHEN f.apart THEN (a.days || old.recent_days)[1:%(keep)s]
                               ELSE (SELECT array_agg(k.day ORDER BY k.rank)
                                       FROM (%(overlap)s) k) END AS days,
                               CASE WHEN f.apart THEN (a.ats || old.recent_ats)[1:%(keep)s]
                               ELSE (SELECT array_agg(k.at ORDER BY k.rank)
                                       FROM (%(overlap)s) k) END AS ats
                          FROM (SELECT COALESCE(
                                           old.recent_days[1] < a.days[cardinality(a.days)],
                                           TRUE) AS apart) f
                        OFFSET 0  -- computed once per row, not inlined where used
                     ) m
                )
                INSERT INTO oto_wallet_pair AS wp (%(columns)s)
                SELECT m.partner_id, m.store_id, %(company)s, m.order_count, m.amount,
                       m.last_purchase, m.ids, m.days, m.ats, %(ranking)s
                  FROM merged m
                %(upsert)s
                """,
                company=company.id,
                partners=partner_ids,
                since=since,
                until=until,
                keep=company.oto_preferred_orders,
                columns=PAIR_COLUMNS,
                ranking=self._ranking_sql(
                    SQL("m.ids"), SQL("m.ats"), self._seller_code_rank()
                ),
                upsert=PAIR_UPSERT,
                overlap=SQL(
                    """
                    SELECT d.seller_id, d.day, d.at, d.rank
                      FROM (SELECT DISTINCT ON (u.seller_id, u.day)
                                   u.seller_id, u.day, u.at, u.rank
                              FROM (SELECT v.seller_id, v.day, v.at, v.n AS rank
                                      FROM unnest(a.ids, a.days, a.ats)
                                           WITH ORDINALITY AS v(seller_id, day, at, n)
                                    UNION ALL
                                    SELECT o.seller_id, o.day, o.at, 1000000 + o.n
                                      FROM unnest(old.recent_seller_ids, old.recent_days,
                                                  old.recent_ats)
                                           WITH ORDINALITY AS o(seller_id, day, at, n)) u
                             ORDER BY u.seller_id, u.day, u.rank) d
                     ORDER BY d.rank
                     LIMIT %s
                    """,
                    company.oto_preferred_orders,
                ),
            )
        )

    def _seller_code_rank(self):
        """An array indexed by seller id: the seller's rank by code (the
        last tie-break of the election but the id), in code-point order
        (``COLLATE "C"``: the reference's ``code_key``, whatever the
        database's collation), for per-row use in SQL."""
        self.env.cr.execute('SELECT id FROM oto_seller ORDER BY code COLLATE "C", id')
        ids = [row[0] for row in self.env.cr.fetchall()]
        rank = [None] * (max(ids, default=0) + 1)
        for position, seller_id in enumerate(ids, 1):
            rank[seller_id] = position
        # PostgreSQL arrays start at 1: drop index 0.
        return rank[1:]

    def _refresh_customers(self, company, partner_ids=None, removable=None):
        """The state of these customers (None: all the company's) in
        ``oto_wallet_customer``, from their pairs: totals, preferred store
        (by the brand's criteria, active stores only) and preferred seller.
        Rows of customers left without purchases in the window go (among
        ``removable``, default: all of them)."""
        scope = self._partner_scope("wp.partner_id", partner_ids)
        removable = partner_ids if removable is None else removable
        if removable is None or removable:
            self._drop_customers_without_purchases(company, removable)
        # A batch also scores its customers (while the thresholds hold);
        # the pass over all customers leaves that to the RFV pass after it.
        rfv = self._rfv_params(company) if partner_ids is not None else None
        self._merge_customers(company, scope, rfv)

    def _drop_customers_without_purchases(self, company, partner_ids):
        """Customers left without purchases in the window lose their state
        (and with it their scores and segment)."""
        self.env.cr.execute(
            SQL(
                """
                DELETE FROM oto_wallet_customer c
                 WHERE c.company_id = %(company)s AND %(scope)s
                   AND NOT EXISTS (SELECT 1 FROM oto_wallet_pair wp
                                    WHERE wp.partner_id = c.partner_id
                                      AND wp.company_id = %(company)s)
                """,
                company=company.id,
                scope=self._partner_scope("c.partner_id", partner_ids),
            )
        )

    def _merge_customers(self, company, scope, rfv=None):
        """One sort of the pairs by customer gives the totals (window sums)
        and the preferred store (the first row by the brand's criteria,
        active stores first); the seller is the first active one of that
        pair's ranking. With ``rfv`` (``_rfv_params``), the RFV scores and
        segment too. Only rows that changed are written."""
        self._set_work_mem()
        if rfv:
            scores = SQL(
                """
                SELECT s.*, (%(segments)s::int[])[(s.rs - 1) * 25 + (s.fs - 1) * 5 + s.vs]
                           AS segment_id
                  FROM (SELECT n0.*, %(rs)s AS rs, %(fs)s AS fs, %(vs)s AS vs FROM n0) s
                """,
                segments=rfv["segments"],
                **self._rfv_score_sql(rfv, "n0"),
            )
            scores_differ = SQL(
                "OR (c.r_score, c.f_score, c.v_score, c.segment_id) "
                "IS DISTINCT FROM (n.rs, n.fs, n.vs, n.segment_id)"
            )
            set_scores = SQL(
                ", r_score = d.rs, f_score = d.fs, v_score = d.vs, segment_id = d.segment_id"
            )
            score_columns = SQL(", r_score, f_score, v_score, segment_id")
            score_values = SQL(", d.rs, d.fs, d.vs, d.segment_id")
        else:
            scores = SQL("SELECT n0.*, NULL::int AS segment_id FROM n0")
            scores_differ = set_scores = score_columns = score_values = SQL()
        self.env.cr.execute(
            SQL(
                """
                WITH best AS MATERIALIZED (
                    SELECT DISTINCT ON (wp.partner_id)
                           wp.partner_id, wp.store_id, wp.elected_ids, st.active,
                           sum(wp.order_count) OVER w AS order_count,
                           sum(wp.amount) OVER w AS amount,
                           max(wp.last_purchase) OVER w AS last_purchase
                      FROM oto_wallet_pair wp
                      JOIN oto_store st ON st.id = wp.store_id
                     WHERE wp.company_id = %(company)s AND %(scope)s
                    WINDOW w AS (PARTITION BY wp.partner_id)
                     ORDER BY wp.partner_id, st.active DESC, %(order)s, st.sequence, st.id
                ), n0 AS (
                    SELECT best.partner_id, best.order_count, best.amount,
                           best.last_purchase,
                           CASE WHEN best.active THEN best.store_id END AS store_id,
                           CASE WHEN best.active THEN %(seller)s END AS seller_id
                      FROM best
                      LEFT JOIN oto_seller first ON first.id = best.elected_ids[1]
                                                AND first.active
                                                AND first.store_id = best.store_id
                ), n AS (%(scores)s
                ), diff AS MATERIALIZED (
                    SELECT n.*, c.id AS state_id
                      FROM n
                      LEFT JOIN oto_wallet_customer c ON c.partner_id = n.partner_id
                                                     AND c.company_id = %(company)s
                     WHERE c.id IS NULL
                        OR (c.last_purchase, c.order_count, c.amount, c.preferred_store_id,
                            c.preferred_seller_id)
                           IS DISTINCT FROM (n.last_purchase, n.order_count, n.amount,
                                             n.store_id, n.seller_id)
                        %(scores_differ)s
                ), changed AS (
                    UPDATE oto_wallet_customer c
                       SET last_purchase = d.last_purchase, order_count = d.order_count,
                           amount = d.amount, preferred_store_id = d.store_id,
                           preferred_seller_id = d.seller_id %(set_scores)s
                      FROM diff d
                     WHERE c.id = d.state_id
                )
                INSERT INTO oto_wallet_customer
                       (partner_id, company_id, last_purchase, order_count, amount,
                        preferred_store_id, preferred_seller_id %(score_columns)s)
                SELECT d.partner_id, %(company)s, d.last_purchase, d.order_count, d.amount,
                       d.store_id, d.seller_id %(score_values)s
                  FROM diff d WHERE d.state_id IS NULL
                """,
                seller=self._elected_seller_sql(
                    SQL("best.elected_ids"), SQL("best.store_id"), SQL("first.id")
                ),
                company=company.id,
                scope=scope,
                order=self._store_order_sql(company),
                scores=scores,
                scores_differ=scores_differ,
                set_scores=set_scores,
                score_columns=score_columns,
                score_values=score_values,
            )
        )

    def _apply_preferred(self, company, partner_ids):
        """Move unpinned customers to their preferred seller; returns the count."""
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id, c.preferred_seller_id
                  FROM %(customers)s
                  JOIN res_partner p ON p.id = c.partner_id
                 WHERE c.company_id = %(company)s
                   AND c.preferred_seller_id IS NOT NULL
                   AND p.oto_seller_id IS DISTINCT FROM c.preferred_seller_id
                   AND NOT COALESCE(p.oto_wallet_pinned, FALSE)
                   -- A customer shared by companies (no company of their
                   -- own) stays in the wallet of the company that holds
                   -- them: franchises never take each other's customers.
                   AND NOT EXISTS (
                        SELECT 1 FROM oto_store hs
                         WHERE hs.id = p.oto_store_id
                           AND hs.company_id <> %(company)s)
                """,
                customers=self._customer_rows(company, partner_ids),
                company=company.id,
            )
        )
        moves = self.env.cr.fetchall()
        self._move_customers(moves, "rule")
        return len(moves)

    @api.model
    def _place_one(self, company, partner, reason):
        """The wallet seller of ``company`` for one customer: theirs when
        active in it, else one placed by location and capacity (the nightly
        rules), the move kept in the wallet history under ``reason``. An
        empty recordset when no seller has room."""
        seller = partner.oto_seller_id
        if seller.active and seller.company_id == company:
            return seller
        engine = self.sudo().with_company(company)
        # The engine reads the customer (a new one, their phone) in SQL.
        self.env.flush_all()
        located = dict(engine._locate_stores(company, partner.ids))
        store = located.get(partner.id) or (
            partner.oto_store_id.id if partner.oto_store_id.active else False
        )
        placed = engine._assign_by_capacity(company, [(partner.id, store)])
        if not placed:
            return self.env["oto.seller"]
        engine._move_customers(list(placed.items()), reason)
        return self.env["oto.seller"].sudo().browse(placed[partner.id])

    def _move_customers(self, moves, reason, note=None):
        """Set the wallet seller of customers, set-based, with history.

        ``moves``: list of (partner id, seller id or None). The store follows
        the seller.
        """
        if not moves:
            return
        cr = self.env.cr
        partner_ids = [m[0] for m in moves]
        seller_ids = [m[1] for m in moves]
        cr.execute(
            SQL(
                """
                WITH m AS MATERIALIZED (
                    SELECT * FROM unnest(%(partners)s::int[], %(sellers)s::int[])
                           AS m(partner_id, seller_id)
                ), old AS MATERIALIZED (
                    SELECT p.id, p.oto_seller_id, p.oto_store_id, p.company_id
                      FROM res_partner p JOIN m ON m.partner_id = p.id
                ), upd AS (
                    UPDATE res_partner p
                       SET oto_seller_id = m.seller_id,
                           oto_store_id = COALESCE(s.store_id, p.oto_store_id),
                           oto_wallet_pinned = FALSE
                      FROM m LEFT JOIN oto_seller s ON s.id = m.seller_id
                     WHERE p.id = m.partner_id
                    RETURNING p.id, p.oto_seller_id, p.oto_store_id
                )
                INSERT INTO oto_wallet_history (partner_id, company_id, old_seller_id,
                    new_seller_id, old_store_id, new_store_id, date, user_id, reason, note)
                SELECT upd.id, COALESCE(old.company_id, %(company)s), old.oto_seller_id,
                       upd.oto_seller_id, old.oto_store_id, upd.oto_store_id,
                       %(now)s, %(uid)s, %(reason)s, %(note)s
                  FROM upd JOIN old ON old.id = upd.id
                 WHERE old.oto_seller_id IS DISTINCT FROM upd.oto_seller_id
                """,
                partners=partner_ids,
                sellers=seller_ids,
                company=self.env.company.id,
                now=fields.Datetime.now(),
                uid=self.env.uid,
                reason=reason,
                note=note,
            )
        )
        self.env["res.partner"].invalidate_model(
            [
                "oto_seller_id",
                "oto_store_id",
                "oto_wallet_pinned",
                "oto_wallet_history_ids",
            ]
        )
        self.env["oto.seller"].invalidate_model(["customer_ids", "customer_count"])
        self.env["oto.store"].invalidate_model(["customer_ids", "customer_count"])

    # ------------------------------------------------------------ PLACEMENT

    def _customers_domain_sql(self, company):
        """Customers of ``company`` the engine looks after: people (not
        companies nor their contacts, not users) who bought from it, belong to
        one of its stores, or belong to it. Shared customers (no company) are
        placed only when a single company runs stores."""
        single = len(self.env["oto.store"].sudo().search([]).company_id) <= 1
        return SQL(
            """
            p.active AND NOT COALESCE(p.is_company, FALSE) AND p.parent_id IS NULL
            AND NOT EXISTS (SELECT 1 FROM res_users u WHERE u.partner_id = p.id)
            AND (p.customer_rank > 0 OR p.oto_store_id IS NOT NULL
                 OR EXISTS (SELECT 1 FROM oto_wallet_customer c WHERE c.partner_id = p.id))
            AND (p.company_id = %(company)s
                 OR EXISTS (SELECT 1 FROM oto_store s
                             WHERE s.id = p.oto_store_id AND s.company_id = %(company)s)
                 OR EXISTS (SELECT 1 FROM oto_wallet_pair wp
                             WHERE wp.partner_id = p.id AND wp.company_id = %(company)s)
                 OR (p.company_id IS NULL AND %(single)s))
            """,
            company=company.id,
            single=single,
        )

    def _place_customers(self, run, partner_ids=None):
        """Give a seller to the customers who need one: preferred store
        without an eligible seller, a store without seller, or neither
        (placed by location). Balanced by free capacity. ``partner_ids``
        (incremental run): only those, and the customers without a seller."""
        company = run.company_id
        scope = SQL("TRUE")
        if partner_ids is not None:
            # Two index-driven sets rather than an OR that scans every
            # customer: the processed ones without a preferred seller (the
            # others were just given theirs, an active one, unless pinned to
            # theirs), and the customers without a seller (a partial index).
            scope = SQL(
                """p.id IN (SELECT s.id FROM unnest(%s::int[]) AS s(id)
                              LEFT JOIN oto_wallet_customer c
                                     ON c.partner_id = s.id AND c.company_id = %s
                             WHERE c.preferred_seller_id IS NULL
                            UNION
                            SELECT id FROM res_partner
                             WHERE oto_seller_id IS NULL AND active)""",
                partner_ids,
                company.id,
            )
        if run.store_id:
            scope = SQL(
                """p.id IN (SELECT id FROM res_partner WHERE oto_store_id = %(store)s
                            UNION
                            SELECT partner_id FROM oto_wallet_customer
                             WHERE preferred_store_id = %(store)s)""",
                store=run.store_id.id,
            )
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id, COALESCE(c.preferred_store_id, cur.store_id, p.oto_store_id)
                  FROM res_partner p
                  LEFT JOIN oto_wallet_customer c ON c.partner_id = p.id
                                                 AND c.company_id = %(company)s
                  LEFT JOIN oto_seller cur ON cur.id = p.oto_seller_id AND cur.active
                  LEFT JOIN oto_store st ON st.id = p.oto_store_id
                 WHERE %(customers)s AND %(scope)s
                   AND (st.id IS NULL OR st.company_id = %(company)s)
                   AND (cur.id IS NULL
                        OR (c.preferred_store_id IS NOT NULL
                            AND cur.store_id <> c.preferred_store_id
                            AND c.preferred_seller_id IS NULL
                            AND NOT COALESCE(p.oto_wallet_pinned, FALSE)))
                 ORDER BY p.id
                """,
                customers=self._customers_domain_sql(company),
                scope=scope,
                company=company.id,
            )
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return
        without_store = [pid for pid, store in rows if not store]
        located = dict(self._locate_stores(company, without_store))
        wanted = [(pid, store or located.get(pid)) for pid, store in rows]
        result = self._assign_by_capacity(company, wanted)
        # Customers who never bought (in the window) are placed by location
        # and capacity; the others had an unavailable seller: redistribution.
        self.env.cr.execute(
            SQL(
                """
                SELECT u.pid FROM unnest(%s::int[]) AS u(pid)
                 WHERE NOT EXISTS (SELECT 1 FROM oto_wallet_customer c
                                    WHERE c.partner_id = u.pid AND c.company_id = %s
                                      AND c.preferred_store_id IS NOT NULL)
                """,
                list(result),
                company.id,
            )
        )
        new_customers = {row[0] for row in self.env.cr.fetchall()}
        self._move_customers(
            [(p, s) for p, s in result.items() if p in new_customers], "location"
        )
        self._move_customers(
            [(p, s) for p, s in result.items() if p not in new_customers],
            "redistribution",
            note="capacity",
        )
        run.write(
            {
                "placed": run.placed + len(result),
                "unplaced": run.unplaced + len(rows) - len(result),
            }
        )

    def _locate_stores(self, company, partner_ids):
        """(partner, store) by phone area code (DDD), then city, then state;
        among matching stores the one with the lightest load per seller."""
        if not partner_ids:
            return []
        self.env.cr.execute(
            SQL(
                """
                WITH st AS (
                    SELECT s.id, s.sequence, s.state_id, lower(trim(s.city)) AS city,
                           COALESCE((SELECT array_agg(d::int)
                                       FROM regexp_split_to_table(
                                            COALESCE(s.area_codes, ''), '[^0-9]+') d
                                      WHERE d <> ''), '{}') AS ddd,
                           (SELECT count(*) FROM res_partner c
                             WHERE c.oto_store_id = s.id)::float
                           / GREATEST((SELECT count(*) FROM oto_seller v
                                        WHERE v.store_id = s.id AND v.active), 1) AS load
                      FROM oto_store s
                     WHERE s.company_id = %(company)s AND s.active
                       AND EXISTS (SELECT 1 FROM oto_seller v
                                    WHERE v.store_id = s.id AND v.active)
                ), cust AS (
                    SELECT p.id, p.state_id, lower(trim(p.city)) AS city,
                           substring(p.oto_phone_e164 FROM '^\\+55([0-9]{2})')::int AS ddd
                      FROM res_partner p WHERE p.id = ANY(%(partners)s)
                )
                SELECT cust.id,
                       COALESCE(
                         (SELECT st.id FROM st WHERE cust.ddd = ANY(st.ddd)
                           ORDER BY st.load, st.sequence, st.id LIMIT 1),
                         (SELECT st.id FROM st WHERE st.city = cust.city
                           ORDER BY st.load, st.sequence, st.id LIMIT 1),
                         (SELECT st.id FROM st WHERE st.state_id = cust.state_id
                           ORDER BY st.load, st.sequence, st.id LIMIT 1))
                  FROM cust
                """,
                company=company.id,
                partners=partner_ids,
            )
        )
        return [row for row in self.env.cr.fetchall() if row[1]]

    def _assign_by_capacity(self, company, wanted, taken=None, leaving=()):
        """Spread customers over active sellers by free capacity: within their
        store first, else over the brand's sellers.

        ``wanted``: list of (partner id, store id or None); ``taken``:
        {seller id: customers} already promised and not yet written;
        ``leaving``: customers whose move is being decided (not counted in
        their current seller's wallet). Returns
        {partner id: seller id} for those who found a seller.
        """
        result = {}
        taken = dict(taken or {})
        per_store = [(p, s) for p, s in wanted if s]
        if per_store:
            result.update(
                self._capacity_slots(
                    company, per_store, by_store=True, taken=taken, leaving=leaving
                )
            )
        leftovers = [(p, None) for p, _s in wanted if p not in result]
        if leftovers:
            for seller in result.values():
                taken[seller] = taken.get(seller, 0) + 1
            result.update(
                self._capacity_slots(
                    company, leftovers, by_store=False, taken=taken, leaving=leaving
                )
            )
        return result

    def _capacity_slots(self, company, wanted, by_store, taken=None, leaving=()):
        """Slots of free capacity, least loaded seller first (ties: lowest
        code), matched to ``wanted`` customers. ``taken``: {seller: count}
        already promised in this round and not yet written; ``leaving``:
        customers not counted in their current seller's wallet."""
        taken = taken or {}
        partner_ids = [w[0] for w in wanted]
        store_ids = [w[1] or 0 for w in wanted]
        group = SQL("w.store_id") if by_store else SQL("0")
        seller_group = SQL("s.store_id") if by_store else SQL("0")
        self.env.cr.execute(
            SQL(
                """
                WITH need AS (
                    SELECT w.partner_id, %(group)s AS grp,
                           row_number() OVER (PARTITION BY %(group)s
                                              ORDER BY w.partner_id) AS rn
                      FROM unnest(%(partners)s::int[], %(stores)s::int[])
                           AS w(partner_id, store_id)
                ), demand AS (
                    SELECT grp, count(*) AS n FROM need GROUP BY grp
                ), seller AS (
                    SELECT s.id, s.code, %(seller_group)s AS grp, COALESCE(s.wallet_capacity, 0) AS cap,
                           (SELECT count(*) FROM res_partner c
                             WHERE c.oto_seller_id = s.id
                               AND c.id <> ALL(%(leaving)s::int[]))
                           + COALESCE(t.n, 0) AS cur
                      FROM oto_seller s
                      LEFT JOIN unnest(%(taken_ids)s::int[], %(taken_n)s::int[])
                           AS t(seller_id, n) ON t.seller_id = s.id
                     WHERE s.active AND s.company_id = %(company)s
                ), slot AS (
                    SELECT seller.id AS seller_id, seller.grp,
                           row_number() OVER (PARTITION BY seller.grp
                                              ORDER BY seller.cur + k, seller.code COLLATE "C",
                                                       seller.id) AS rn
                      FROM seller
                      JOIN demand ON demand.grp = seller.grp
                     CROSS JOIN LATERAL generate_series(
                           1, CASE WHEN seller.cap = 0 THEN demand.n
                                   ELSE GREATEST(seller.cap - seller.cur, 0) END) AS k
                )
                SELECT need.partner_id, slot.seller_id
                  FROM need JOIN slot ON slot.grp = need.grp AND slot.rn = need.rn
                """,
                group=group,
                seller_group=seller_group,
                partners=partner_ids,
                stores=store_ids,
                company=company.id,
                taken_ids=list(taken),
                taken_n=list(taken.values()),
                leaving=list(leaving),
            )
        )
        return dict(self.env.cr.fetchall())

    # ------------------------------------------------------------------ RFV

    def _compute_rfv(self, company, partner_ids=None, since=None):
        """RFV scores 1-5 and the segment.

        Scores come from quintile thresholds over the company's customers with
        purchases in the window (5 is best; ties share a score). The
        thresholds are recomputed, with every customer's scores, on a full
        run or when older than a week (``oto_rfv_date``); in between, an
        incremental run rescores only ``partner_ids`` (the batches scored
        the customers they processed: none left then) and the customers
        whose recency crossed a threshold since ``since`` (the previous run).
        """
        today = brand_today(self.env)
        rfv = self._rfv_params(company)
        if partner_ids is None or not rfv:
            thresholds = self._rfv_thresholds(company)
            company.sudo().write(
                {"oto_rfv_thresholds": json.dumps(thresholds), "oto_rfv_date": today}
            )
            rfv = self._rfv_params(company)
            scope = SQL("TRUE")
        else:
            scope = self._rfv_incremental_scope(company, partner_ids, rfv, since, today)
        cr = self.env.cr
        # (Customers who lost their state lost their segment with it.)
        if rfv and scope is not None:
            self._set_work_mem()
            cr.execute(
                SQL(
                    """
                WITH scored AS (
                    SELECT c.id, c.segment_id AS old_segment_id, c.r_score AS old_rs, c.f_score AS old_fs, c.v_score AS old_vs,
                           %(rs)s AS rs, %(fs)s AS fs, %(vs)s AS vs
                      FROM oto_wallet_customer c
                     WHERE c.company_id = %(company)s AND %(scope)s
                ), final AS MATERIALIZED (
                    -- Only the customers whose scores or segment change.
                    SELECT * FROM (
                        SELECT scored.*,
                               (%(segments)s::int[])[(rs - 1) * 25 + (fs - 1) * 5 + vs]
                                   AS segment_id
                          FROM scored) k
                     WHERE (k.old_rs, k.old_fs, k.old_vs, k.old_segment_id)
                           IS DISTINCT FROM (k.rs, k.fs, k.vs, k.segment_id)
                )
                UPDATE oto_wallet_customer c
                   SET r_score = s.rs, f_score = s.fs, v_score = s.vs,
                       segment_id = s.segment_id
                  FROM final s
                 WHERE c.id = s.id
                """,
                    company=company.id,
                    scope=scope,
                    segments=rfv["segments"],
                    **self._rfv_score_sql(rfv, "c"),
                )
            )
        self.env["oto.wallet.customer"].invalidate_model(
            ["r_score", "f_score", "v_score", "segment_id"]
        )
        self.env["res.partner"].invalidate_model(
            ["oto_r_score", "oto_f_score", "oto_v_score", "oto_rfv_segment_id"]
        )

    def _rfv_params(self, company):
        """What scoring needs: the company's thresholds while they hold (less
        than a week old), the day, and the segment table; None otherwise."""
        today = brand_today(self.env)
        thresholds = company._oto_rfv_thresholds()
        if (
            not thresholds
            or not company.oto_rfv_date
            or (today - company.oto_rfv_date).days >= 7
        ):
            return None
        return {
            "today": today,
            "tz": brand_timezone(self.env),
            "thresholds": thresholds,
            # A score counts the thresholds passed (5 is best); width_bucket
            # counts the sorted bounds <= its operand: days r > t is
            # r >= floor(t) + 1; for frequency and value, f > t is
            # "not -f >= -t".
            "r": sorted(math.floor(t) + 1 for t in thresholds["r"]),
            "f": sorted(-t for t in thresholds["f"]),
            "v": sorted(-t for t in thresholds["v"]),
            "segments": self._segment_table(company),
        }

    def _rfv_score_sql(self, rfv, alias):
        """SQL of the R, F and V scores of the state row ``alias``."""
        return {
            "rs": SQL(
                "5 - width_bucket(%s::date - (%s AT TIME ZONE 'UTC' AT TIME ZONE %s)::date,"
                " %s::int[])",
                rfv["today"],
                SQL.identifier(alias, "last_purchase"),
                rfv["tz"],
                rfv["r"],
            ),
            "fs": SQL(
                "5 - width_bucket(-%s, %s::float8[])",
                SQL.identifier(alias, "order_count"),
                rfv["f"],
            ),
            "vs": SQL(
                "5 - width_bucket(-%s, %s::float8[])",
                SQL.identifier(alias, "amount"),
                rfv["v"],
            ),
        }

    def _segment_table(self, company):
        """The segment of each (R, F, V) score, as a list of 125 ids (or
        None), index ``(r - 1) * 25 + (f - 1) * 5 + v - 1``: the first active
        segment by sequence whose ranges hold the scores."""
        segments = (
            self.env["oto.rfv.segment"]
            .with_context(active_test=True)
            .search([("company_id", "in", (False, company.id))], order="sequence, id")
        )
        table = []
        for r in range(1, 6):
            for f in range(1, 6):
                for v in range(1, 6):
                    match = next(
                        (
                            seg.id
                            for seg in segments
                            if seg.r_min <= r <= seg.r_max
                            and seg.f_min <= f <= seg.f_max
                            and seg.v_min <= v <= seg.v_max
                        ),
                        None,
                    )
                    table.append(match)
        return table

    def _rfv_thresholds(self, company):
        """Quintile thresholds {r, f, v: [4 values]} over the company's
        customers with purchases in the window; {} when there are none."""
        today = brand_today(self.env)
        self.env.cr.execute(
            SQL(
                """
                SELECT percentile_cont(ARRAY[0.2, 0.4, 0.6, 0.8])
                         WITHIN GROUP (ORDER BY %(today)s::date
                             - (c.last_purchase AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date),
                       percentile_cont(ARRAY[0.2, 0.4, 0.6, 0.8])
                         WITHIN GROUP (ORDER BY c.order_count),
                       percentile_cont(ARRAY[0.2, 0.4, 0.6, 0.8])
                         WITHIN GROUP (ORDER BY c.amount)
                  FROM oto_wallet_customer c
                 WHERE c.company_id = %(company)s
                """,
                today=today,
                tz=brand_timezone(self.env),
                company=company.id,
            )
        )
        r, f, v = self.env.cr.fetchone()
        if r is None:
            return {}
        return {"r": r, "f": f, "v": v}

    def _rfv_incremental_scope(self, company, partner_ids, rfv, since, today):
        """SQL condition on the state rows ``c`` to rescore (None: none):
        ``partner_ids``, and the customers whose recency crossed a threshold
        between ``since`` and ``today``: their last purchase was on the
        day(s) that put them past it. Found through their purchases of those
        days (an index), not by reading every customer's state."""
        parts = []
        if partner_ids:
            parts.append(
                SQL(
                    "SELECT c2.id FROM unnest(%s::int[]) AS s(id) "
                    "JOIN oto_wallet_customer c2 ON c2.partner_id = s.id "
                    "AND c2.company_id = %s",
                    partner_ids,
                    company.id,
                )
            )
        # Days in the brand's time: recency counts brand days.
        tz = brand_timezone(self.env)
        elapsed = (today - brand_day(self.env, since)).days if since else 1
        for threshold in rfv["thresholds"]["r"] if elapsed > 0 else ():
            # Recency crosses ``threshold`` the day it becomes floor(t) + 1.
            start = utc_start(today - timedelta(days=int(threshold) + elapsed), tz)
            end = utc_start(today - timedelta(days=int(threshold)), tz)
            parts.append(
                SQL(
                    """
                    SELECT c2.id
                      FROM (SELECT DISTINCT partner_id FROM oto_purchase
                             WHERE company_id = %(company)s
                               AND date >= %(start)s AND date < %(end)s) b
                      JOIN oto_wallet_customer c2 ON c2.partner_id = b.partner_id
                                                 AND c2.company_id = %(company)s
                     WHERE c2.last_purchase >= %(start)s AND c2.last_purchase < %(end)s
                    """,
                    company=company.id,
                    start=start,
                    end=end,
                )
            )
        if not parts:
            return None
        return SQL("c.id IN (%s)", SQL(" UNION ").join(parts))

    # ------------------------------------------------------- REDISTRIBUTION

    @api.model
    def _redistribute(self, sellers):
        """Move the wallets of ``sellers`` (inactivated, or moved to another
        store: their customers of the store they left) to active sellers:
        the customer's next preferred seller of the same store while that
        seller has room, else balanced by free capacity over the store, else
        over the brand; a customer stays without a seller only when no
        active seller of the brand has room. No seller is given a customer
        beyond their capacity. Returns {new seller id or False: count}."""
        self = self.sudo()
        self.env.flush_all()
        cr = self.env.cr
        summary = {}
        for company in sellers.company_id:
            engine = self.with_company(company)
            company_sellers = sellers.filtered(lambda s, c=company: s.company_id == c)
            cr.execute(
                SQL(
                    """
                    SELECT p.id, COALESCE(p.oto_store_id, s.store_id) FROM res_partner p
                      JOIN oto_seller s ON s.id = p.oto_seller_id
                     WHERE p.oto_seller_id = ANY(%s)
                       AND (NOT s.active OR p.oto_store_id IS DISTINCT FROM s.store_id)
                     ORDER BY p.id
                    """,
                    company_sellers.ids,
                )
            )
            rows = cr.fetchall()
            if not rows:
                continue
            pairs = SQL(
                "SELECT * FROM unnest(%s::int[], %s::int[]) AS pr(partner_id, store_id)",
                [r[0] for r in rows],
                [r[1] for r in rows],
            )
            cr.execute(engine._preferred_seller_sql(company, pairs))
            preferred = dict(cr.fetchall())
            # The customers being moved no longer weigh on their seller's
            # wallet (a seller moved to another store keeps their room).
            leaving = [pid for pid, _store in rows]
            moves = engine._within_capacity(preferred, leaving)
            taken = {}
            for seller in moves.values():
                taken[seller] = taken.get(seller, 0) + 1
            rest = [(pid, store) for pid, store in rows if pid not in moves]
            moves.update(
                engine._assign_by_capacity(company, rest, taken=taken, leaving=leaving)
            )
            all_moves = [(pid, moves.get(pid)) for pid, _store in rows]
            engine._move_customers(all_moves, "redistribution")
            for _pid, seller in all_moves:
                summary[seller or False] = summary.get(seller or False, 0) + 1
        return summary

    def _within_capacity(self, wanted, leaving=()):
        """The part of ``wanted`` ({partner id: seller id}) that fits: each
        seller takes customers (lowest id first) while their wallet, less
        the customers ``leaving`` it, is below their capacity (0: no
        limit)."""
        if not wanted:
            return {}
        self.env.cr.execute(
            SQL(
                """
                SELECT s.id, COALESCE(s.wallet_capacity, 0),
                       (SELECT count(*) FROM res_partner c
                         WHERE c.oto_seller_id = s.id AND c.id <> ALL(%s::int[]))
                  FROM oto_seller s WHERE s.id = ANY(%s)
                """,
                list(leaving),
                sorted(set(wanted.values())),
            )
        )
        room = {
            seller: (None if not capacity else capacity - load)
            for seller, capacity, load in self.env.cr.fetchall()
        }
        accepted = {}
        for partner_id in sorted(wanted):
            seller = wanted[partner_id]
            if room.get(seller, 0) is None:
                accepted[partner_id] = seller
            elif room.get(seller, 0) > 0:
                room[seller] -= 1
                accepted[partner_id] = seller
        return accepted
