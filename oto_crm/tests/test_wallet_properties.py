# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The wallet engine against its Python reference, and its incremental run
against a rebuild, over random brands (hypothesis)."""

import os
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import freeze_time, tagged
from odoo.tools import SQL

from ..models.res_company import STORE_CRITERIA
from ..tools.wallet_rules import (
    election_order,
    parse_criteria,
    preferred,
    recent_visits,
)
from .wallet_world import CODES, NOW, PROPERTY, TIMEZONES, WalletWorld, around_midnight

EXAMPLES = int(os.environ.get("OTO_WALLET_EXAMPLES", "40"))
AMOUNTS = [19.9, 50.0, 120.5, 300.0]


def _moment(data, tz, pool, newest=NOW, days=400):
    """A purchase moment up to ``newest``: any minute of the last ``days``
    days, one of the customer's few moments (sales at the same moment), or
    up to an hour and a half either side of the brand's midnight."""
    minutes = max(int(days * 1440), 1)
    kind = data.draw(st.sampled_from(["any", "pool", "midnight"]))
    if kind == "pool":
        return data.draw(st.sampled_from(pool))
    if kind == "midnight":
        moment = newest - timedelta(minutes=data.draw(st.integers(0, minutes)))
        moment = around_midnight(
            tz, (NOW.date() - moment.date()).days, data.draw(st.integers(-90, 90))
        )
        return min(moment, newest)
    return newest - timedelta(minutes=data.draw(st.integers(0, minutes)))


@tagged("post_install", "-at_install", "oto_crm", "oto_property")
@freeze_time(NOW)
class TestWalletProperties(WalletWorld):
    # ------------------------------------------------------------ drawing

    def _draw_brand(self, data):
        codes = data.draw(st.permutations(CODES))[: len(self.sellers)]
        tz = data.draw(st.sampled_from(TIMEZONES))
        criteria = data.draw(st.sampled_from([c for c, _label in STORE_CRITERIA]))
        keep = data.draw(st.integers(1, 6))
        self.set_brand(codes, tz, criteria, keep)
        sequences = data.draw(st.permutations(range(len(self.stores))))
        for store, sequence in zip(self.stores, sequences, strict=True):
            self.env.cr.execute(
                SQL(
                    "UPDATE oto_store SET sequence = %s WHERE id = %s",
                    sequence,
                    store.id,
                )
            )
        inactive = data.draw(st.sets(st.integers(0, len(self.sellers) - 1), max_size=3))
        for index in inactive:
            self.env.cr.execute(
                SQL(
                    "UPDATE oto_seller SET active = FALSE WHERE id = %s",
                    self.sellers[index].id,
                )
            )
        if data.draw(st.booleans()):
            # A closed store (its sellers left with it).
            store = self.stores[data.draw(st.integers(0, len(self.stores) - 1))]
            self.env.cr.execute(
                SQL("UPDATE oto_store SET active = FALSE WHERE id = %s", store.id)
            )
        self.env.invalidate_all()
        return tz

    def _draw_orders(self, data, tz, customers, count, newest=NOW, days=400):
        rows = []
        for customer in customers:
            pool = [
                newest
                - timedelta(minutes=data.draw(st.integers(0, max(int(days * 1440), 1))))
                for _n in range(2)
            ]
            for _n in range(data.draw(st.integers(0, count))):
                store = data.draw(st.sampled_from([*self.stores, None, *self.stores]))
                seller = data.draw(
                    st.sampled_from([*(store.seller_ids if store else ()), None])
                    if data.draw(st.integers(0, 9))
                    # Now and then a seller of another store (moved since).
                    else st.sampled_from(self.sellers)
                )
                rows.append(
                    (
                        customer,
                        store,
                        seller,
                        _moment(data, tz, pool, newest, days),
                        data.draw(st.sampled_from(AMOUNTS)),
                    )
                )
        return self.insert_orders(rows)

    # ------------------------------------------------------------ checking

    def _assert_matches_reference(self, when, tz):
        company = self.company
        purchases = self.purchases()
        sellers, stores = self.seller_map(), self.store_map()
        codes = {s: v[0] for s, v in sellers.items()}
        window_start = when - relativedelta(months=company.oto_window_months)
        criteria = parse_criteria(company.oto_store_criteria)
        keep = company.oto_preferred_orders
        pairs, customers = self.engine_state()
        state = {row[0]: row for row in customers}
        for customer in self.customers:
            store, seller = preferred(
                purchases,
                customer.id,
                window_start,
                criteria,
                keep,
                sellers,
                stores,
                tz=tz,
                until=when,
            )
            row = state.get(customer.id)
            got = (row[4], row[5]) if row else (None, None)
            self.assertEqual(got, (store, seller), customer.name)
        for partner_id, store_id, *_rest, ids, _days, ats, elected in pairs:
            recent = recent_visits(
                purchases, partner_id, store_id, window_start, keep, tz, until=when
            )
            self.assertEqual(list(zip(ids or [], ats or [], strict=True)), recent)
            self.assertEqual(elected or [], election_order(recent, codes))

    def _assert_wallets_follow_the_rule(self):
        _pairs, customers = self.engine_state()
        wanted = {row[0]: row[5] for row in customers if row[5]}
        for partner_id, seller_id in self.wallets():
            if partner_id in wanted:
                self.assertEqual(seller_id, wanted[partner_id], partner_id)

    # ------------------------------------------------------------ properties

    @settings(PROPERTY, max_examples=EXAMPLES)
    @given(data=st.data())
    def test_engine_matches_the_reference(self, data):
        """Hours 0-23 in several time zones, customers buying either side of
        the brand's midnight, several sales at the same moment, codes in mixed
        case and accented under a linguistic collation of the database (the
        engine's order of codes must not depend on it), orders without
        seller or store, sellers of other stores, inactive sellers and
        stores: the batches and the set-based full pass give the
        reference's store, visits, ranking and seller."""
        with self.example():
            self.env.cr.execute(
                "ALTER TABLE oto_seller ALTER COLUMN code "
                'TYPE varchar COLLATE "en-US-x-icu"'
            )
            tz = self._draw_brand(data)
            self._draw_orders(data, tz, self.customers, 8)
            if data.draw(st.booleans()):
                self.env["ir.config_parameter"].set_param(
                    "oto_crm.wallet_full_pass_from", 1
                )
            run = self.refresh("full")
            self.assertEqual(run.state, "done")
            self._assert_matches_reference(NOW, tz)
            self._assert_wallets_follow_the_rule()

    # ------------------------------------------------------------ nights

    def _change(self, data, op, tz, clock, previous):
        """Apply one change of the day before ``clock`` (the last run was at
        ``previous``). Returns a label for the failure message."""
        cr = self.env.cr
        company = self.company
        orders = self.env["sale.order"].search(
            [("company_id", "=", company.id), ("state", "=", "sale")], order="id"
        )
        seller = self.sellers[data.draw(st.integers(0, len(self.sellers) - 1))]
        store = self.stores[data.draw(st.integers(0, len(self.stores) - 1))]
        day = (clock - previous).total_seconds() / 86400
        if op == "new":
            customers = data.draw(
                st.lists(st.sampled_from(self.customers), min_size=1, max_size=4)
            )
            self._draw_orders(data, tz, customers, 3, newest=clock, days=max(day, 0.05))
        elif op == "late":
            # Dated before the last run, committed after it (a long import).
            self._draw_orders(
                data, tz, [data.draw(st.sampled_from(self.customers))], 2, previous, 30
            )
        elif op == "future":
            # Dated after this run: it counts from the run that passes it.
            moment = clock + timedelta(hours=data.draw(st.integers(1, 30)))
            self.insert_orders(
                [
                    (
                        data.draw(st.sampled_from(self.customers)),
                        store,
                        seller,
                        moment,
                        80.0,
                    )
                ]
            )
        elif op in ("cancel", "customer", "amount", "backdate", "seller_of_order"):
            if not orders:
                return op
            order = data.draw(st.sampled_from(orders))
            values = {
                "cancel": {"state": "cancel"},
                "customer": {
                    "partner_id": data.draw(st.sampled_from(self.customers)).id
                },
                "amount": {"amount_total": data.draw(st.sampled_from(AMOUNTS)) + 1},
                "backdate": {
                    "date_order": order.date_order
                    - timedelta(hours=data.draw(st.integers(1, 400)))
                },
                "seller_of_order": {"oto_seller_id": seller.id},
            }[op]
            # As an import or a merge of contacts writes them.
            for name, value in values.items():
                cr.execute(
                    SQL(
                        "UPDATE sale_order SET %s = %s WHERE id = %s",
                        SQL.identifier(name),
                        value,
                        order.id,
                    )
                )
        elif op == "seller_active":
            seller.write({"active": not seller.active})
        elif op == "seller_move":
            if seller.active:
                seller.write({"store_id": store.id})
        elif op == "code":
            used = set(self.seller_map()[s.id][0] for s in self.sellers)
            free = [c for c in [*CODES, "Ñ0", "00", "zz"] if c not in used]
            cr.execute(
                SQL(
                    "UPDATE oto_seller SET code = %s WHERE id = %s",
                    data.draw(st.sampled_from(free)),
                    seller.id,
                )
            )
        elif op == "store_active":
            if store.active:
                store.seller_ids.write({"active": False})
            store.write({"active": not store.active})
        elif op == "sequence":
            store.write({"sequence": data.draw(st.integers(-5, 5))})
        elif op == "criteria":
            company.oto_store_criteria = data.draw(
                st.sampled_from([c for c, _label in STORE_CRITERIA])
            )
        self.env.flush_all()
        self.env.invalidate_all()
        return op

    @settings(PROPERTY, max_examples=max(EXAMPLES // 2, 5))
    @given(data=st.data())
    def test_incremental_nights_match_a_rebuild(self, data):
        """Night after night of new orders (some across the brand's
        midnight, some committed late, some dated after the run), orders
        cancelled, given to another customer, repriced, back-dated or
        given another seller, sellers inactivated, reactivated, moved or
        renamed, stores closed, reopened or reordered, the store criteria
        changed, a year's orders leaving the window: each incremental run
        leaves the engine state a rebuild would, the reference's choices,
        and the wallets following them."""
        ops = [
            "new",
            "late",
            "future",
            "cancel",
            "customer",
            "amount",
            "backdate",
            "seller_of_order",
            "seller_active",
            "seller_move",
            "code",
            "store_active",
            "sequence",
            "criteria",
        ]
        with self.example():
            tz = self._draw_brand(data)
            self._draw_orders(data, tz, self.customers, 6)
            self.refresh("full")
            clock = NOW
            for _night in range(data.draw(st.integers(1, 3))):
                previous = clock
                clock = previous + timedelta(
                    hours=data.draw(st.sampled_from([24, 24, 30, 72]))
                )
                done = []
                for op in data.draw(st.lists(st.sampled_from(ops), max_size=6)):
                    moment = previous + (clock - previous) * data.draw(
                        st.floats(0.05, 0.95)
                    )
                    with freeze_time(moment):
                        done.append(self._change(data, op, tz, clock, previous))
                run = self.refresh("incremental", clock)
                self.assertEqual(run.mode, "incremental", done)
                incremental = self.engine_state()
                self._assert_matches_reference(clock, tz)
                self._assert_wallets_follow_the_rule()
                with self.example():
                    self.refresh("full", clock)
                    self.assertEqual(incremental, self.engine_state(), done)

    # ------------------------------------------------------------ capacity

    def _loads(self):
        self.env.cr.execute(
            SQL(
                """
                SELECT s.id, s.active, COALESCE(s.wallet_capacity, 0),
                       (SELECT count(*) FROM res_partner c WHERE c.oto_seller_id = s.id)
                  FROM oto_seller s WHERE s.id = ANY(%s)
                """,
                self.sellers.ids,
            )
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    @settings(PROPERTY, max_examples=EXAMPLES)
    @given(data=st.data())
    def test_redistribution_never_exceeds_capacity_and_places_everyone(self, data):
        """Random capacities (0: no limit) and wallets within them, purchase
        histories that make a next preferred seller (who may be full),
        stores without room: when sellers are inactivated or moved to
        another store, no seller is given a customer beyond their capacity,
        and a customer stays without a seller only when every active seller
        of the brand is full."""
        with self.example():
            tz = self._draw_brand(data)
            self._draw_orders(data, tz, self.customers, 4)
            self.refresh("full")
            cr = self.env.cr
            capacity = {
                seller.id: data.draw(st.integers(0, 4), label=f"capacity {seller.code}")
                for seller in self.sellers
            }
            for seller_id, cap in capacity.items():
                cr.execute(
                    SQL(
                        "UPDATE oto_seller SET wallet_capacity = %s WHERE id = %s",
                        cap,
                        seller_id,
                    )
                )
            # Wallets within capacity (the engine's preference may have
            # overfilled some: the draw decides again).
            load = dict.fromkeys(capacity, 0)
            active = self.sellers.filtered("active")
            for customer in self.customers:
                seller = data.draw(st.sampled_from([*active, None]))
                if (
                    seller
                    and capacity[seller.id]
                    and load[seller.id] >= capacity[seller.id]
                ):
                    seller = None
                if seller:
                    load[seller.id] += 1
                cr.execute(
                    SQL(
                        "UPDATE res_partner SET oto_seller_id = %s, oto_store_id = %s "
                        "WHERE id = %s",
                        seller.id if seller else None,
                        seller.store_id.id if seller else None,
                        customer.id,
                    )
                )
            self.env.invalidate_all()
            changed = data.draw(
                st.lists(st.sampled_from(active), max_size=3, unique=True)
            )
            for seller in changed:
                # Checked after each change: what one redistribution does.
                before = self._loads()
                old_store = seller.store_id
                leaving = self.customers.filtered(
                    lambda c, s=seller: c.oto_seller_id == s
                )
                other = self.stores.filtered(lambda s, o=old_store: s != o and s.active)
                if other and data.draw(st.booleans(), label=f"move {seller.code}"):
                    seller.write({"store_id": other[0].id})
                else:
                    seller.write({"active": False})
                self.env.flush_all()
                self.env.invalidate_all()
                after = self._loads()
                for seller_id, (_is_active, cap, count) in after.items():
                    if cap and count > before[seller_id][2]:
                        self.assertLessEqual(
                            count, cap, f"seller {seller_id} over capacity"
                        )
                unplaced = leaving.filtered(lambda c: not c.oto_seller_id)
                if unplaced:
                    room = [
                        seller_id
                        for seller_id, (is_active, cap, count) in after.items()
                        if is_active and (not cap or count < cap)
                    ]
                    self.assertFalse(room, f"{unplaced} left while {room} have room")
                # Every customer of the seller has moved (or stayed with a
                # seller who moved, only at their new store).
                for customer in leaving:
                    now = customer.oto_seller_id
                    if now:
                        self.assertTrue(now.active, customer.name)
                        self.assertEqual(customer.oto_store_id, now.store_id)
                    if now == seller:
                        self.assertNotEqual(customer.oto_store_id, old_store)
