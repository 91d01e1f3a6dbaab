# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import random
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, freeze_time, tagged

from ..models.oto_wallet_engine import OtoWalletEngine
from ..tools.wallet_rules import Purchase, parse_criteria, preferred

NOW = datetime(2026, 11, 23, 15, 0)


@tagged("post_install", "-at_install", "oto_crm")
@freeze_time(NOW)
class TestWalletEngine(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env["res.company"].create({"name": "Oto Engine Test Brand"})
        cls.env = cls.env(
            context=dict(
                cls.env.context,
                allowed_company_ids=[cls.company.id],
            )
        )
        cls.engine = cls.env["oto.wallet.engine"].with_company(cls.company)
        sp = cls.env.ref("base.state_br_sp")
        rj = cls.env.ref("base.state_br_rj")
        Store = cls.env["oto.store"]
        cls.store_a = Store.create(
            {
                "name": "Loja A",
                "code": "A",
                "company_id": cls.company.id,
                "area_codes": "11, 12",
                "city": "São Paulo",
                "state_id": sp.id,
                "sequence": 1,
            }
        )
        cls.store_b = Store.create(
            {
                "name": "Loja B",
                "code": "B",
                "company_id": cls.company.id,
                "area_codes": "21",
                "city": "Rio de Janeiro",
                "state_id": rj.id,
                "sequence": 2,
            }
        )
        Seller = cls.env["oto.seller"]
        cls.a1 = Seller.create(
            {"name": "A1", "code": "A-1", "store_id": cls.store_a.id}
        )
        cls.a2 = Seller.create(
            {"name": "A2", "code": "A-2", "store_id": cls.store_a.id}
        )
        cls.a3 = Seller.create(
            {"name": "A3", "code": "A-3", "store_id": cls.store_a.id}
        )
        cls.b1 = Seller.create(
            {"name": "B1", "code": "B-1", "store_id": cls.store_b.id}
        )
        cls.b2 = Seller.create(
            {"name": "B2", "code": "B-2", "store_id": cls.store_b.id}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Vestido", "list_price": 100.0, "taxes_id": [(5,)]}
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Cliente", "company_id": cls.company.id, "customer_rank": 1}
        )

    def setUp(self):
        super().setUp()
        # Orders' write dates follow the frozen clock, as they follow the real
        # one in production (the test transaction's timestamp would not).
        self.startPatcher(
            patch.object(type(self.env.cr), "now", lambda cr: datetime.now())
        )

    def _customer(self, name="Cliente", **values):
        return self.env["res.partner"].create(
            {"name": name, "company_id": self.company.id, "customer_rank": 1, **values}
        )

    def _order(self, partner, seller, days_ago, amount=100.0, hour=12, store=None):
        order = (
            self.env["sale.order"]
            .with_company(self.company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": self.company.id,
                    "oto_seller_id": seller.id if seller else False,
                    "oto_store_id": (store or seller.store_id).id,
                    "date_order": NOW.replace(hour=hour) - timedelta(days=days_ago),
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": 1,
                                "price_unit": amount,
                                "tax_id": [(5,)],
                            },
                        )
                    ],
                }
            )
        )
        order.write({"state": "sale"})
        return order

    def _refresh(self, mode="full", **kwargs):
        return self.engine._action_wallet_refresh(self.company, mode=mode, **kwargs)

    # ------------------------------------------------------------ rules

    def test_most_visits_among_last_five_wins(self):
        for days in (40, 41, 42):  # older: outside the last 5 visits
            self._order(self.customer, self.a3, days)
        for days in (1, 3, 5):
            self._order(self.customer, self.a1, days)
        for days in (2, 4):
            self._order(self.customer, self.a2, days)
        self._refresh()
        self.assertEqual(self.customer.oto_preferred_store_id, self.store_a)
        self.assertEqual(self.customer.oto_preferred_seller_id, self.a1)
        self.assertEqual(self.customer.oto_seller_id, self.a1)
        history = self.customer.oto_wallet_history_ids
        self.assertEqual(history.mapped("reason"), ["rule"])
        self.assertIn(
            "3 of the customer's last 5", self.customer.oto_wallet_explanation
        )

    def test_seller_counts_once_per_day_and_store(self):
        for hour in (10, 12, 14):
            self._order(self.customer, self.a1, 1, hour=hour)
        self._order(self.customer, self.a2, 2)
        self._order(self.customer, self.a2, 3)
        self._refresh()
        self.assertEqual(self.customer.oto_seller_id, self.a2)
        self.assertEqual(self.customer.oto_purchase_count, 5)

    def test_tie_goes_to_most_recent_sale_then_lowest_code(self):
        self._order(self.customer, self.a2, 1)
        self._order(self.customer, self.a1, 2)
        self._refresh()
        self.assertEqual(self.customer.oto_seller_id, self.a2)
        # The same day: the seller who sold later that day wins (seed 001:
        # "the most recent sale"), whatever the codes.
        other = self._customer("Mesmo dia")
        self._order(other, self.a2, 1, hour=15)
        self._order(other, self.a1, 1, hour=11)
        self._refresh()
        self.assertEqual(other.oto_seller_id, self.a2)
        # The same moment: the lowest code (A-1 < A-2).
        same = self._customer("Mesmo instante")
        self._order(same, self.a2, 1, hour=13)
        self._order(same, self.a1, 1, hour=13)
        self._refresh()
        self.assertEqual(same.oto_seller_id, self.a1)

    def test_twelve_month_window_edge(self):
        window_start = NOW - timedelta(days=365)
        days_in = (NOW - window_start).days - 1
        self._order(self.customer, self.a1, days_in + 2)  # just outside
        self._order(self.customer, self.a1, days_in + 3)
        self._order(self.customer, self.a2, days_in)  # just inside
        self._refresh()
        self.assertEqual(self.customer.oto_seller_id, self.a2)
        self.assertEqual(self.customer.oto_purchase_count, 1)

    def test_inactive_seller_never_wins(self):
        for days in (1, 2, 3):
            self._order(self.customer, self.a1, days)
        self._order(self.customer, self.a2, 4)
        self.a1.active = False
        self._refresh()
        self.assertEqual(self.customer.oto_seller_id, self.a2)

    def test_store_criteria_setting(self):
        for days in (1, 2, 3):
            self._order(self.customer, self.a1, days, amount=50)
        self._order(self.customer, self.b1, 10, amount=900)
        self._refresh()
        self.assertEqual(self.customer.oto_seller_id, self.a1)
        self.company.oto_store_criteria = "amount,count,recent"
        self._refresh()
        self.assertEqual(self.customer.oto_preferred_store_id, self.store_b)
        self.assertEqual(self.customer.oto_seller_id, self.b1)
        self.assertEqual(self.customer.oto_store_id, self.store_b)

    def test_settings_out_of_range_refused(self):
        for field, value in (
            ("oto_window_months", 0),
            ("oto_window_months", 61),
            ("oto_preferred_orders", 0),
        ):
            with self.subTest(field=field), self.assertRaises(ValidationError):
                self.company.write({field: value})
        with self.assertRaises(ValidationError):
            self.a1.wallet_capacity = -1
        with self.assertRaises(ValidationError):
            self.env["oto.seller"].create(
                {
                    "name": "X",
                    "code": "X-1",
                    "store_id": self.store_a.id,
                    "daily_limit": -5,
                }
            )

    def test_orders_without_seller_do_not_elect(self):
        self._order(self.customer, None, 1, store=self.store_a)  # online, no code
        self._order(self.customer, self.a1, 2)
        run = self._refresh()
        self.assertEqual(run.state, "done")
        self.assertEqual(self.customer.oto_seller_id, self.a1)
        self.assertEqual(self.customer.oto_purchase_count, 2)

    def test_pinned_customer_stays(self):
        self.customer.write({"oto_seller_id": self.a2.id, "oto_wallet_pinned": True})
        for days in (1, 2):
            self._order(self.customer, self.a1, days)
        self._refresh()
        self.assertEqual(self.customer.oto_preferred_seller_id, self.a1)
        self.assertEqual(self.customer.oto_seller_id, self.a2)
        self.assertIn("Pinned", self.customer.oto_wallet_explanation)

    def test_manual_change_is_in_history(self):
        self.customer.oto_seller_id = self.a1
        self.customer.oto_seller_id = self.b1
        history = self.customer.oto_wallet_history_ids.sorted("id")
        self.assertEqual(history.mapped("reason"), ["manual", "manual"])
        self.assertEqual(history[1].old_seller_id, self.a1)
        self.assertEqual(history[1].new_seller_id, self.b1)
        self.assertEqual(history[1].user_id, self.env.user)
        self.assertEqual(self.customer.oto_store_id, self.store_b)

    # ------------------------------------------------------------ RFV

    def test_rfv_scores_and_segments(self):
        customers = []
        for index in range(10):
            customer = self._customer(f"RFV {index}")
            for n in range(index + 1):
                self._order(
                    customer, self.a1, 5 + index * 20 + n, amount=100 * (index + 1)
                )
            customers.append(customer)
        self._refresh()
        best, worst = customers[0], customers[-1]
        # customer 0: most recent, fewest purchases, lowest value
        self.assertEqual(
            (best.oto_r_score, best.oto_f_score, best.oto_v_score), (5, 1, 1)
        )
        self.assertEqual(
            (worst.oto_r_score, worst.oto_f_score, worst.oto_v_score), (1, 5, 5)
        )
        self.assertEqual(
            best.oto_rfv_segment_id, self.env.ref("oto_crm.oto_rfv_segment_new")
        )
        self.assertEqual(
            worst.oto_rfv_segment_id, self.env.ref("oto_crm.oto_rfv_segment_at_risk")
        )
        self.assertEqual(sorted({c.oto_r_score for c in customers}), [1, 2, 3, 4, 5])
        self.assertEqual(best.oto_recency_days, 5)

    def test_rfv_ties_share_a_score(self):
        customers = [self._customer(f"Igual {i}") for i in range(6)]
        for customer in customers:
            self._order(customer, self.a1, 10, amount=200)
        self._refresh()
        self.assertEqual(
            len({(c.oto_r_score, c.oto_f_score, c.oto_v_score) for c in customers}), 1
        )

    def test_incremental_rfv_rescores_every_customer_that_crossed_a_threshold(self):
        customers = [self._customer(f"Rec {i}") for i in range(20)]
        for index, customer in enumerate(customers):
            self._order(customer, self.a1, 1 + index * 9, amount=100 + index)
        self._refresh()
        thresholds = self.company._oto_rfv_thresholds()
        self.assertEqual(len(thresholds["r"]), 4)
        before = {c.id: c.oto_r_score for c in customers}
        later = NOW + timedelta(days=4)
        with freeze_time(later):
            self._refresh(mode="incremental")
            self.assertEqual(self.company._oto_rfv_thresholds(), thresholds)
            after = {c.id: c.oto_r_score for c in customers}
            # Rescoring everyone with the same thresholds changes nothing.
            everyone = [c.id for c in customers]
            self.engine._compute_rfv(self.company, everyone, since=NOW)
            self.env.invalidate_all()
            self.assertEqual({c.id: c.oto_r_score for c in customers}, after)
        self.assertNotEqual(before, after)  # some customers did cross

    # ------------------------------------------------- redistribution

    def test_inactivation_redistributes_to_next_preferred_then_balanced(self):
        loyal = self._customer("Fiel")
        for days in (1, 2, 3):
            self._order(loyal, self.a1, days)
        self._order(loyal, self.a3, 4)
        others = [self._customer(f"Outro {i}") for i in range(6)]
        for customer in others:
            self._order(customer, self.a1, 5)
        self._refresh()
        everyone = loyal | self.env["res.partner"].concat(*others)
        self.assertEqual(everyone.oto_seller_id, self.a1)
        self.a1.action_inactivate()
        self.assertEqual(loyal.oto_seller_id, self.a3)  # next preferred in the store
        self.assertEqual(set(everyone.oto_seller_id), {self.a2, self.a3})
        # balanced over the store's active sellers
        self.env.invalidate_all()
        self.assertLessEqual(abs(self.a2.customer_count - self.a3.customer_count), 1)
        self.assertEqual(self.a1.customer_count, 0)
        self.assertIn("Wallet redistributed", self.a1.message_ids[0].body)
        reasons = set(
            self.env["oto.wallet.history"]
            .search([("old_seller_id", "=", self.a1.id)])
            .mapped("reason")
        )
        self.assertEqual(reasons, {"redistribution"})

    def test_redistribution_respects_capacity_then_goes_brand_wide(self):
        self.a2.wallet_capacity = 2
        self.a3.active = False
        customers = [self._customer(f"C {i}") for i in range(5)]
        for customer in customers:
            customer.oto_seller_id = self.a1
        self.a1.action_archive()
        on_a2 = [c for c in customers if c.oto_seller_id == self.a2]
        on_b = [c for c in customers if c.oto_seller_id.store_id == self.store_b]
        self.assertEqual(len(on_a2), 2)
        self.assertEqual(len(on_b), 3)
        self.assertTrue(all(c.oto_store_id == self.store_b for c in on_b))

    def test_reactivation_does_not_steal_back(self):
        self.customer.oto_seller_id = self.a1
        self.a1.action_archive()
        moved_to = self.customer.oto_seller_id
        self.assertNotEqual(moved_to, self.a1)
        self.a1.action_unarchive()
        self.assertEqual(self.customer.oto_seller_id, moved_to)

    # ------------------------------------------------------- placement

    def test_new_customers_placed_by_location_and_capacity(self):
        by_ddd = self._customer("DDD 21", mobile="(21) 98765-4321")
        by_city = self._customer("Cidade", city="são paulo ")
        by_state = self._customer(
            "Estado", state_id=self.env.ref("base.state_br_rj").id
        )
        nowhere = self._customer("Sem pista")
        self._refresh()
        self.assertEqual(by_ddd.oto_store_id, self.store_b)
        self.assertEqual(by_city.oto_store_id, self.store_a)
        self.assertEqual(by_state.oto_store_id, self.store_b)
        self.assertTrue(nowhere.oto_seller_id)
        self.assertEqual(by_ddd.oto_wallet_history_ids.reason, "location")
        # balanced inside store B
        self.assertEqual(
            by_ddd.oto_seller_id | by_state.oto_seller_id, self.b1 | self.b2
        )

    def test_store_button_runs_one_store(self):
        self._order(self.customer, self.a2, 1)
        other = self._customer("Loja B")
        self._order(other, self.b1, 1)
        self.store_a.action_refresh_wallets()
        self.assertEqual(self.customer.oto_seller_id, self.a2)
        self.assertFalse(other.oto_seller_id)

    # ------------------------------------------------- incremental and crash

    def test_incremental_run_takes_new_and_late_orders(self):
        self._order(self.customer, self.a1, 3)
        self._refresh()
        other = self._customer("Outro")
        self._order(other, self.a1, 2)
        with freeze_time(NOW + timedelta(hours=1)):
            late = self._order(self.customer, self.a2, 30)  # recorded late
            self._order(self.customer, self.a2, 31)
        with freeze_time(NOW + timedelta(days=1)):
            run = self._refresh(mode=None)
        self.assertEqual(run.mode, "incremental")
        self.assertEqual(run.total, 2)
        self.assertEqual(self.customer.oto_seller_id, self.a2)
        self.assertTrue(late)

    # ----------------------------------------------- every change, nightly

    def _night(self, days=1):
        """The next nightly run (the clock moved ``days`` days)."""
        with freeze_time(NOW + timedelta(days=days)):
            run = self._refresh(mode=None)
        self.assertEqual(run.mode, "incremental")
        self.env.invalidate_all()
        return run

    def test_criteria_order_reaches_customers_without_new_purchases(self):
        for days in (1, 2, 3):
            self._order(self.customer, self.a1, days, amount=50)
        self._order(self.customer, self.b1, 10, amount=900)
        self._refresh()
        self.assertEqual(self.customer.oto_seller_id, self.a1)
        self.company.oto_store_criteria = "amount,count,recent"
        self._night()
        self.assertEqual(self.customer.oto_preferred_store_id, self.store_b)
        self.assertEqual(self.customer.oto_seller_id, self.b1)

    def test_store_active_and_sequence_reach_the_wallets(self):
        # One purchase at each store, same value, same moment: every
        # criterion ties, the store's sequence decides (A 1, B 2).
        self._order(self.customer, self.a1, 5, hour=12)
        self._order(self.customer, self.b1, 5, hour=12)
        self._refresh()
        self.assertEqual(self.customer.oto_preferred_store_id, self.store_a)
        self.store_b.sequence = 0
        self._night()
        self.assertEqual(self.customer.oto_preferred_store_id, self.store_b)
        self.assertEqual(self.customer.oto_seller_id, self.b1)
        (self.b1 | self.b2).write({"active": False})
        self.store_b.active = False
        self._night(2)
        self.assertEqual(self.customer.oto_preferred_store_id, self.store_a)
        self.assertEqual(self.customer.oto_seller_id, self.a1)

    def test_seller_moved_or_inactivated_reaches_the_wallets(self):
        self._order(self.customer, self.a1, 3)
        self._order(self.customer, self.a1, 4)
        self._order(self.customer, self.a2, 5)
        self._refresh()
        self.assertEqual(self.customer.oto_preferred_seller_id, self.a1)
        self.a1.store_id = self.store_b
        self._night()
        self.assertEqual(self.customer.oto_preferred_seller_id, self.a2)
        self.assertEqual(self.customer.oto_seller_id, self.a2)
        self.a2.active = False
        self._night(2)
        self.assertEqual(self.customer.oto_seller_id.store_id, self.store_a)
        self.assertTrue(self.customer.oto_seller_id.active)

    def test_order_given_to_another_customer_recomputes_both(self):
        other = self._customer("Outra")
        self._order(self.customer, self.a1, 3)
        moved = self._order(self.customer, self.a2, 4)
        self._order(self.customer, self.a2, 5)
        self._order(other, self.b1, 6)
        self._refresh()
        self.assertEqual(self.customer.oto_seller_id, self.a2)
        moved.partner_id = other
        run = self._night()
        self.assertEqual(run.total, 2)
        self.assertEqual(self.customer.oto_purchase_count, 2)
        self.assertEqual(other.oto_purchase_count, 2)
        # A tie of one visit each: the most recent sale (A1, 3 days ago).
        self.assertEqual(self.customer.oto_seller_id, self.a1)

    def test_cancelled_order_leaves_the_votes_and_the_value(self):
        self._order(self.customer, self.a1, 3, amount=100)
        cancelled = self._order(self.customer, self.a2, 4, amount=500)
        self._order(self.customer, self.a2, 5, amount=100)
        self._refresh()
        self.assertEqual(self.customer.oto_seller_id, self.a2)
        cancelled.with_context(disable_cancel_warning=True).action_cancel()
        self._night()
        self.assertEqual(self.customer.oto_purchase_count, 2)
        self.assertAlmostEqual(self.customer.oto_purchase_amount, 200)
        self.assertEqual(self.customer.oto_seller_id, self.a1)

    def test_order_committed_long_after_its_dates_is_seen(self):
        """An import whose transaction ends hours after the rows' dates (no
        time margin to fall out of): the change log has it."""
        self._order(self.customer, self.a1, 3)
        self._refresh()
        with freeze_time(NOW - timedelta(hours=5)):
            self._order(self.customer, self.a2, 2)
            self._order(self.customer, self.a2, 1)
        self.env.cr.execute(
            "UPDATE sale_order SET write_date = %s, create_date = %s "
            "WHERE partner_id = %s",
            [NOW - timedelta(hours=5), NOW - timedelta(hours=5), self.customer.id],
        )
        run = self._night()
        self.assertEqual(run.total, 1)
        self.assertEqual(self.customer.oto_seller_id, self.a2)

    def test_order_without_seller_or_store_changes_no_seller(self):
        self._order(self.customer, self.a1, 3)
        self._refresh()
        # Without seller: a purchase at the store, no vote; without store
        # either: no purchase of the wallets at all.
        without_seller = self._order(self.customer, self.a2, 1)
        without_store = self._order(self.customer, self.a2, 2)
        self.env.cr.execute(
            "UPDATE sale_order SET oto_seller_id = NULL WHERE id = %s",
            [without_seller.id],
        )
        self.env.cr.execute(
            "UPDATE sale_order SET oto_seller_id = NULL, oto_store_id = NULL "
            "WHERE id = %s",
            [without_store.id],
        )
        run = self._night()
        self.assertEqual(run.state, "done")
        self.assertEqual(self.customer.oto_seller_id, self.a1)
        self.assertEqual(self.customer.oto_purchase_count, 2)

    def test_brand_time_zone_checked_and_counted_again(self):
        """A time zone that is none is refused (nothing written); a
        purchase at 23:30 in São Paulo is that day, not the next one (UTC);
        changing the zone makes the next run a full one."""
        params = self.env["ir.config_parameter"].sudo()
        with self.assertRaisesRegex(ValidationError, "not a time zone"):
            params.set_param("oto_crm.timezone", "America/Atlantis")
        self.assertEqual(params.get_param("oto_crm.timezone", "unset"), "unset")
        # 23:30 and 23:50 São Paulo time on the 20th (02:30 and 02:50 UTC on
        # the 21st) with A2, 00:10 on the 21st with A1 twice: A1 visits
        # once, A2 once; the most recent sale is A1's.
        for hour, minute, seller in ((2, 30, self.a2), (2, 50, self.a2)):
            order = self._order(self.customer, seller, 0)
            order.date_order = datetime(2026, 11, 21, hour, minute)
        for minute in (10, 20):
            order = self._order(self.customer, self.a1, 0)
            order.date_order = datetime(2026, 11, 21, 3, minute)
        self._refresh()
        self.assertEqual(self.customer.oto_seller_id, self.a1)
        # Another zone: the state was built in days of the old one, so the
        # next run rebuilds it (a full run), in the new zone.
        params.set_param("oto_crm.timezone", "Asia/Tokyo")
        with freeze_time(NOW + timedelta(days=1)):
            run = self._refresh(mode=None)
        self.assertEqual(run.mode, "full")
        self.assertEqual(run.timezone, "Asia/Tokyo")
        self.assertEqual(self.company.oto_engine_timezone, "Asia/Tokyo")

    def _engine_state(self, customers):
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT partner_id, store_id, order_count, round(amount::numeric, 2),
                   last_purchase, recent_seller_ids, recent_days, recent_ats,
                   elected_ids
              FROM oto_wallet_pair WHERE partner_id = ANY(%s)
             ORDER BY partner_id, store_id
            """,
            [customers.ids],
        )
        pairs = self.env.cr.fetchall()
        self.env.invalidate_all()
        totals = [
            (
                c.id,
                c.oto_purchase_count,
                round(c.oto_purchase_amount, 2),
                c.oto_last_purchase,
                c.oto_preferred_store_id.id,
                c.oto_preferred_seller_id.id,
                c.oto_seller_id.id,
            )
            for c in customers
        ]
        return pairs, totals

    def test_incremental_adds_new_purchases_exactly_as_a_rebuild(self):
        rng = random.Random(5)
        sellers = [self.a1, self.a2, self.a3, self.b1, self.b2]
        customers = self.env["res.partner"]
        old_orders = []
        # Written well before the run (orders written just before it are
        # looked at again by the next one, in case they committed late).
        with freeze_time(NOW - timedelta(hours=2)):
            for index in range(12):
                customer = self._customer(f"Delta {index}")
                customers |= customer
                for _n in range(rng.randint(1, 7)):
                    old_orders.append(
                        self._order(
                            customer,
                            rng.choice(sellers),
                            rng.randint(1, 300),
                            amount=rng.choice((50.0, 120.0)),
                            hour=rng.choice((9, 11)),
                        )
                    )
            self.env.flush_all()
        self._refresh()
        # The next day: new purchases (the same seller twice the same day,
        # orders without seller, a first purchase at another store), and one
        # old order cancelled.
        with freeze_time(NOW + timedelta(days=1)):
            for index, customer in enumerate(customers[:8]):
                seller = sellers[index % len(sellers)]
                self._order(customer, seller, -1, hour=10)
                self._order(customer, seller, -1, hour=11, amount=70.0)
                if index % 3 == 0:
                    self._order(customer, self.a3, -1, hour=12)
                if index % 4 == 0:
                    self._order(customer, None, -1, hour=13, store=self.store_b)
            cancelled = old_orders[-1]
            cancelled.write({"state": "cancel"})
            self.env.flush_all()
        added = []
        original = OtoWalletEngine._add_new_purchases

        def spy(engine, company, partner_ids, since, until):
            added.extend(partner_ids)
            return original(engine, company, partner_ids, since, until)

        with freeze_time(NOW + timedelta(days=1, hours=5)):
            with patch.object(OtoWalletEngine, "_add_new_purchases", spy):
                run = self._refresh(mode="incremental")
            incremental = self._engine_state(customers)
            self._refresh(mode="full")
            rebuilt = self._engine_state(customers)
        self.assertEqual(run.mode, "incremental")
        self.assertEqual(set(added), set((customers[:8] - cancelled.partner_id).ids))
        self.assertEqual(incremental, rebuilt)

    def test_wallet_state_is_searchable(self):
        buyer = self._customer("Compradora")
        self._order(buyer, self.a1, 10)
        idle = self._customer("Sem compras")
        self._refresh()
        Partner = self.env["res.partner"]
        scope = [("id", "in", (buyer | idle).ids)]
        self.assertEqual(Partner.search([*scope, ("oto_purchase_count", "=", 0)]), idle)
        self.assertEqual(
            Partner.search([*scope, ("oto_purchase_count", ">", 0)]), buyer
        )
        self.assertEqual(
            Partner.search([*scope, ("oto_last_purchase", "<", NOW)]), buyer
        )
        self.assertEqual(
            Partner.search([*scope, ("oto_last_purchase", "=", False)]), idle
        )
        self.assertEqual(
            Partner.search([*scope, ("oto_preferred_seller_id", "=", self.a1.id)]),
            buyer,
        )

    def test_engine_settings_change_makes_the_next_run_full(self):
        self._order(self.customer, self.a1, 3)
        self._refresh()
        self.assertTrue(self.company.oto_last_engine_run)
        self.company.oto_window_months = 12  # unchanged: nothing happens
        self.assertTrue(self.company.oto_last_engine_run)
        self.company.oto_preferred_orders = 3
        self.assertFalse(self.company.oto_last_engine_run)
        self.assertEqual(self._refresh(mode=None).mode, "full")

    def test_crash_in_the_middle_resumes_without_loss_or_duplicates(self):
        customers = [self._customer(f"Lote {i}") for i in range(9)]
        for index, customer in enumerate(customers):
            self._order(customer, (self.a1, self.a2, self.b1)[index % 3], 1)
        calls = {"n": 0}
        original = OtoWalletEngine._refresh_batch

        def flaky(engine, run, partner_ids, step=0):
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("server killed")
            return original(engine, run, partner_ids, step)

        crashed = False
        # Not assertRaises: Odoo's rolls back everything done inside it.
        with patch.object(OtoWalletEngine, "_refresh_batch", flaky):
            try:
                # The cron commits after each batch; under test the batch's
                # own savepoint stands for it: the failing batch leaves nothing.
                self._refresh(batch_size=3)
            except RuntimeError:
                crashed = True
        self.assertTrue(crashed)
        self.env.invalidate_all()
        run = self.env["oto.wallet.run"].search([("company_id", "=", self.company.id)])
        self.assertEqual(run.state, "running")
        self.assertEqual(run.processed, 3)
        resumed = self._refresh(batch_size=3)
        self.assertEqual(resumed, run)
        self.assertEqual(run.state, "done")
        self.assertEqual(run.processed, 9)
        expected = {self.a1, self.a2, self.b1}
        self.assertEqual(
            set(self.env["res.partner"].concat(*customers).oto_seller_id), expected
        )
        for customer in customers:
            self.assertEqual(len(customer.oto_wallet_history_ids), 1)

    # ------------------------------------------------- SQL = reference

    def test_engine_matches_the_python_reference(self):
        self._check_reference(seed=7)

    def test_full_pass_matches_the_python_reference(self):
        """A full run over many customers takes the set-based path."""
        self.env["ir.config_parameter"].set_param("oto_crm.wallet_full_pass_from", 1)
        self._check_reference(seed=11)

    def _check_reference(self, seed):
        rng = random.Random(seed)
        sellers = [self.a1, self.a2, self.a3, self.b1, self.b2]
        customers = [self._customer(f"Ref {i}") for i in range(25)]
        purchases = []
        for customer in customers:
            for _n in range(rng.randint(1, 9)):
                seller = rng.choice(sellers)
                days = rng.randint(0, 400)
                hour = rng.choice((10, 12, 16))
                amount = rng.choice((50.0, 120.0, 300.0))
                self._order(customer, seller, days, amount=amount, hour=hour)
                purchases.append(
                    Purchase(
                        customer.id,
                        seller.store_id.id,
                        seller.id,
                        NOW.replace(hour=hour) - timedelta(days=days),
                        amount,
                    )
                )
        self.a3.active = False
        self._refresh()
        seller_map = {s.id: (s.code, s.store_id.id, s.active) for s in sellers}
        stores = {s.id: (s.sequence, True) for s in (self.store_a | self.store_b)}
        window_start = NOW - timedelta(days=365)
        for customer in customers:
            store, seller = preferred(
                purchases,
                customer.id,
                window_start,
                parse_criteria(self.company.oto_store_criteria),
                self.company.oto_preferred_orders,
                seller_map,
                stores,
            )
            self.assertEqual(
                customer.oto_preferred_store_id.id or None, store, customer.name
            )
            self.assertEqual(
                customer.oto_preferred_seller_id.id or None, seller, customer.name
            )
