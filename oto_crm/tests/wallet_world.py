# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A small brand for the wallet engine's property tests: stores, sellers and
customers built once; orders written straight into ``sale_order`` (as an
import does: the change log's triggers see them like any other write), so
that many random brands run in the time of a few."""

from contextlib import closing, contextmanager
from datetime import datetime, timedelta
from unittest.mock import patch

from hypothesis import HealthCheck, settings

from odoo.tests import TransactionCase, freeze_time
from odoo.tools import SQL

from ..tools.wallet_rules import Purchase

NOW = datetime(2026, 11, 23, 15, 0)
PROPERTY = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
# Codes a brand imports from another system: mixed case, accents, '-' and
# '_' (the ORM's form keeps to capitals and digits; an import need not).
CODES = ["a1", "A1", "A-2", "a_2", "É1", "e1", "Z9", "z-9", "Ç3", "c3", "B", "b"]
TIMEZONES = [
    "America/Sao_Paulo",
    "America/Manaus",
    "America/New_York",
    "Asia/Tokyo",
    "UTC",
]


class WalletWorld(TransactionCase):
    """Three stores, eight sellers, twelve customers of one company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env["res.company"].create({"name": "Oto Property Brand"})
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=[cls.company.id])
        )
        cls.engine = cls.env["oto.wallet.engine"].with_company(cls.company)
        Store = cls.env["oto.store"]
        cls.stores = Store.concat(
            *(
                Store.create(
                    {
                        "name": f"Loja {n}",
                        "code": f"P{n}",
                        "company_id": cls.company.id,
                        "sequence": n,
                    }
                )
                for n in range(3)
            )
        )
        Seller = cls.env["oto.seller"]
        cls.sellers = Seller.concat(
            *(
                Seller.create(
                    {
                        "name": f"Vendedor {n}",
                        "code": f"S{n}",
                        "store_id": cls.stores[n % 3].id,
                    }
                )
                for n in range(8)
            )
        )
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"Cliente {n}", "company_id": cls.company.id} for n in range(12)]
        )

    def setUp(self):
        super().setUp()
        # Orders' write dates follow the frozen clock.
        self.startPatcher(
            patch.object(type(self.env.cr), "now", lambda cr: datetime.now())
        )

    @contextmanager
    def example(self):
        """One hypothesis example: whatever it writes is rolled back."""
        with closing(self.env.cr.savepoint()):
            try:
                yield
            finally:
                self.env.invalidate_all()
        self.env.registry.clear_cache()
        self.env.invalidate_all()

    # ------------------------------------------------------------ writing

    def set_brand(self, codes, tz, criteria, keep):
        """Seller codes (as an import writes them), the brand's time zone,
        store criteria and orders considered."""
        for seller, code in zip(self.sellers, codes, strict=False):
            self.env.cr.execute(
                SQL("UPDATE oto_seller SET code = %s WHERE id = %s", code, seller.id)
            )
        self.env["ir.config_parameter"].set_param("oto_crm.timezone", tz)
        self.company.write(
            {"oto_store_criteria": criteria, "oto_preferred_orders": keep}
        )
        self.env.invalidate_all()

    def insert_orders(self, rows):
        """``rows``: (customer, store or None, seller or None, at, amount);
        returns the order ids."""
        if not rows:
            return []
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO sale_order (name, partner_id, partner_invoice_id,
                    partner_shipping_id, company_id, date_order, state, amount_total,
                    amount_untaxed, currency_rate, oto_seller_id, oto_store_id,
                    oto_channel, create_date, write_date, create_uid, write_uid
                    %(more_columns)s)
                SELECT 'P' || r.n, r.partner, r.partner, r.partner, %(company)s, r.at,
                       'sale', r.amount, r.amount, 1.0, r.seller, r.store, 'store',
                       %(now)s, %(now)s, 1, 1 %(more_values)s
                  FROM unnest(%(partners)s::int[], %(stores)s::int[],
                              %(sellers)s::int[], %(ats)s::timestamp[],
                              %(amounts)s::numeric[])
                       WITH ORDINALITY AS r(partner, store, seller, at, amount, n)
                RETURNING id
                """,
                **order_extras(self.env.cr),
                company=self.company.id,
                now=datetime.now(),
                partners=[r[0].id for r in rows],
                stores=[r[1].id if r[1] else None for r in rows],
                sellers=[r[2].id if r[2] else None for r in rows],
                ats=[r[3] for r in rows],
                amounts=[r[4] for r in rows],
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def refresh(self, mode="full", when=NOW):
        with freeze_time(when):
            run = self.engine._action_wallet_refresh(self.company, mode=mode)
        self.env.invalidate_all()
        return run

    # ------------------------------------------------------------ reading

    def purchases(self):
        """The purchases as the reference sees them, read back from the
        orders (a test of the view, too)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT partner_id, oto_store_id, oto_seller_id, date_order, amount_total
                  FROM sale_order
                 WHERE company_id = %s AND state = 'sale'
                """,
                self.company.id,
            )
        )
        return [Purchase(*row[:4], float(row[4])) for row in self.env.cr.fetchall()]

    def seller_map(self):
        self.env.cr.execute(
            SQL(
                "SELECT id, code, store_id, active FROM oto_seller WHERE id = ANY(%s)",
                self.sellers.ids,
            )
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    def store_map(self):
        self.env.cr.execute(
            SQL(
                "SELECT id, sequence, active FROM oto_store WHERE id = ANY(%s)",
                self.stores.ids,
            )
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    def engine_state(self):
        """Every pair and customer row of the company, comparable."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                SELECT partner_id, store_id, order_count, round(amount::numeric, 2),
                       last_purchase, recent_seller_ids, recent_days, recent_ats,
                       elected_ids
                  FROM oto_wallet_pair WHERE company_id = %s
                 ORDER BY partner_id, store_id
                """,
                self.company.id,
            )
        )
        pairs = cr.fetchall()
        cr.execute(
            SQL(
                """
                SELECT partner_id, order_count, round(amount::numeric, 2),
                       last_purchase, preferred_store_id, preferred_seller_id
                  FROM oto_wallet_customer WHERE company_id = %s ORDER BY partner_id
                """,
                self.company.id,
            )
        )
        return pairs, cr.fetchall()

    def wallets(self):
        self.env.cr.execute(
            SQL(
                "SELECT id, oto_seller_id FROM res_partner "
                "WHERE id = ANY(%s) ORDER BY id",
                self.customers.ids,
            )
        )
        return self.env.cr.fetchall()


def order_extras(cr):
    """What a sale order row needs besides the columns written by hand:
    with ``sale_stock`` installed (the scenarios with the point of sale), its
    picking policy (a NOT NULL column)."""
    cr.execute(
        "SELECT 1 FROM information_schema.columns "
        "WHERE table_name = 'sale_order' AND column_name = 'picking_policy'"
    )
    if cr.fetchone():
        return {
            "more_columns": SQL(", picking_policy"),
            "more_values": SQL(", 'direct'"),
        }
    return {"more_columns": SQL(""), "more_values": SQL("")}


def local_midnight_utc(day, tz):
    """The UTC moment (naive) of the start of ``day`` in ``tz``."""
    from zoneinfo import ZoneInfo  # noqa: PLC0415

    local = datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(tz))
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def around_midnight(tz, days_ago, minutes):
    """A moment ``minutes`` (negative: before) from the brand's midnight
    that starts the day ``days_ago`` days before NOW."""
    day = (NOW - timedelta(days=days_ago)).date()
    return local_midnight_utc(day, tz) + timedelta(minutes=minutes)
