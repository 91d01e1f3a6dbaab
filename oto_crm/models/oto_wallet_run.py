# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL


class OtoWalletRun(models.Model):
    """One run of the wallet engine, and its queue of customers.

    The queue (table ``oto_wallet_run_queue``) is filled when the run starts;
    each batch removes the customers it processed in the same transaction as
    its results, so a run stopped by a crash resumes where it was: nothing
    done twice, nothing lost.
    """

    _name = "oto.wallet.run"
    _description = "Wallet engine run"
    _order = "id desc"

    company_id = fields.Many2one("res.company", required=True, index=True)
    store_id = fields.Many2one("oto.store", help="Set when a manager ran one store.")
    mode = fields.Selection(
        [("full", "Full"), ("incremental", "Incremental"), ("store", "One store")],
        required=True,
    )
    state = fields.Selection(
        [("running", "Running"), ("done", "Done")],
        default="running",
        required=True,
        index=True,
    )
    started = fields.Datetime(default=fields.Datetime.now)
    finished = fields.Datetime()
    window_start = fields.Datetime(required=True)
    watermark = fields.Datetime(
        help="Purchases dated up to this moment are taken into account; the "
        "next run adds those dated after it."
    )
    since = fields.Datetime(
        string="Previous watermark",
        help="The watermark of the previous run: purchases dated after it are "
        "new to the engine state.",
    )
    timezone = fields.Char(
        string="Time zone",
        help="The brand's time zone the run counted days in.",
    )
    merge_all = fields.Boolean(
        string="Every customer chooses again",
        help="The brand's store criteria changed: once the queue is done, "
        "every customer's preferred store and seller are chosen again.",
    )
    total = fields.Integer("Customers queued")
    processed = fields.Integer("Customers processed")
    moved = fields.Integer("Customers moved")
    placed = fields.Integer("Customers placed")
    unplaced = fields.Integer("Customers without a seller")

    def init(self):
        self.env.cr.execute(
            SQL(
                """
                CREATE TABLE IF NOT EXISTS oto_wallet_run_queue (
                    run_id integer NOT NULL,
                    partner_id integer NOT NULL,
                    PRIMARY KEY (run_id, partner_id)
                )
                """
            )
        )
        # No foreign key: checking it row by row cost a tenth of an
        # incremental run; the queue goes with its run (``unlink``).
        self.env.cr.execute(
            "ALTER TABLE oto_wallet_run_queue "
            "DROP CONSTRAINT IF EXISTS oto_wallet_run_queue_run_id_fkey"
        )
        # ``step``: what the customer needs (the engine's REBUILD, DELTA or
        # MERGE); it replaced a ``delta`` flag.
        self.env.cr.execute(
            "ALTER TABLE oto_wallet_run_queue "
            "ADD COLUMN IF NOT EXISTS step smallint NOT NULL DEFAULT 0, "
            "DROP COLUMN IF EXISTS delta"
        )

    def unlink(self):
        self.env.cr.execute(
            SQL("DELETE FROM oto_wallet_run_queue WHERE run_id = ANY(%s)", self.ids)
        )
        return super().unlink()

    def _queue_size(self):
        self.ensure_one()
        self.env.cr.execute(
            SQL("SELECT count(*) FROM oto_wallet_run_queue WHERE run_id = %s", self.id)
        )
        return self.env.cr.fetchone()[0]
