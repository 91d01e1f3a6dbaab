# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged

from ..models.brand_time import utc_start
from ..models.oto_result_day import periods
from .test_attribution import AttributionCommon

# 12:00 in São Paulo: the brand's today is 2026-11-20. "Last 30 days" is
# 2026-10-22 to 2026-11-20; the previous period 2026-09-22 to 2026-10-21.
TODAY = "2026-11-20 15:00:00"


@tagged("post_install", "-at_install", "oto_crm")
class TestResults(AttributionCommon):
    """KPIs with the previous period, the ranking, the kept days."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Result = cls.env["oto.result.day"]
        cls.paula = cls._customer(cls, "Paula Reis", cls.ana, "+5511987650011")
        cls.rita = cls._customer(cls, "Rita Alves", cls.bia, "+5511987650012")
        cls.sara = cls._customer(cls, "Sara Melo", cls.bia, "+5511987650013")

    def _suggestion(self, day, seller, state, customer):
        return self.env["oto.suggestion"].create(
            {
                "type": "segment",
                "state": state,
                "date": day,
                "seller_id": seller.id,
                "store_id": seller.store_id.id,
                "company_id": self.company.id,
                "partner_id": customer.id,
            }
        )

    def _month_of_work(self):
        """The data set the expected figures below are computed from."""
        # Ana: two customers reached, both bought (200 and 100); one not
        # reached.
        self._contact(datetime(2026, 11, 10, 13, 0))
        self._order(datetime(2026, 11, 11, 15, 0), quantity=2)
        self._contact(datetime(2026, 11, 12, 13, 0), customer=self.paula)
        self._order(datetime(2026, 11, 15, 15, 0), customer=self.paula)
        self._contact(datetime(2026, 11, 12, 14, 0), customer=self.rita, reached="no")
        # Bia: the previous period, one reached customer who bought 100; this
        # period one reached who did not buy.
        self._contact(
            datetime(2026, 10, 10, 13, 0), seller=self.bia, customer=self.sara
        )
        self._order(datetime(2026, 10, 12, 15, 0), customer=self.sara, seller=self.bia)
        self._contact(datetime(2026, 11, 1, 13, 0), seller=self.bia, customer=self.rita)
        # Suggestions: Ana 4 offered, 2 done; one more on her day off (left
        # out); Bia one done before, one expired now.
        for day, state in (
            (date(2026, 11, 5), "done"),
            (date(2026, 11, 6), "done"),
            (date(2026, 11, 7), "expired"),
            (date(2026, 11, 8), "assigned"),
            (date(2026, 11, 9), "done"),
        ):
            self._suggestion(day, self.ana, state, self.paula)
        self.env["oto.seller.dayoff"].create(
            {
                "seller_id": self.ana.id,
                "date_from": date(2026, 11, 9),
                "date_to": date(2026, 11, 9),
            }
        )
        self._suggestion(date(2026, 10, 15), self.bia, "done", self.sara)
        self._suggestion(date(2026, 11, 2), self.bia, "expired", self.sara)

    def _kpis(self, result):
        return {
            kpi["key"]: (kpi["value"], kpi["previous"], kpi["variation"])
            for kpi in result["kpis"]
        }

    @freeze_time(TODAY)
    def test_kpis_against_hand_computed_figures(self):
        self._month_of_work()
        result = self.Result.get_results("30d")
        self.assertEqual(
            (result["date_from"], result["date_to"]), ("2026-10-22", "2026-11-20")
        )
        self.assertEqual(
            (result["previous_from"], result["previous_to"]),
            ("2026-09-22", "2026-10-21"),
        )
        self.assertEqual(
            self._kpis(result),
            {
                "revenue": (300.0, 100.0, 200.0),
                "sales": (2, 1, 100.0),
                # 2 of the 3 customers reached bought; before 1 of 1.
                "conversion": (66.7, 100.0, -33.3),
                "offered": (5, 1, 400.0),
                "done": (2, 1, 100.0),
                "engagement": (40.0, 100.0, -60.0),
            },
        )

    @freeze_time(TODAY)
    def test_ranking_ties_share_a_rank(self):
        self._month_of_work()
        ranking = self.Result.get_results("30d")["ranking"]
        self.assertEqual(
            [(row["rank"], row["name"], row["revenue"]) for row in ranking],
            [(1, "Ana Lima", 300.0), (2, "Bia Reis", 0.0), (2, "Caio Melo", 0.0)],
        )
        # Bia sells as much as Ana: both first, Caio third.
        self._contact(datetime(2026, 11, 16, 13, 0), seller=self.bia)
        self._order(datetime(2026, 11, 17, 15, 0), quantity=3, seller=self.bia)
        ranking = self.Result.get_results("30d")["ranking"]
        self.assertEqual(
            [(row["rank"], row["name"], row["sales"]) for row in ranking],
            [(1, "Ana Lima", 2), (1, "Bia Reis", 1), (3, "Caio Melo", 0)],
        )

    @freeze_time(TODAY)
    def test_figures_match_the_detail_rows(self):
        self._month_of_work()
        # A purchase today counts live, the other days from the kept days.
        self._contact(
            datetime(2026, 11, 20, 12, 0), seller=self.caio, customer=self.rita
        )
        self._order(datetime(2026, 11, 20, 14, 0), customer=self.rita, seller=self.caio)
        result = self.Result.get_results("30d")
        sales = self.env["oto.attribution"].search(
            [
                ("company_id", "=", self.company.id),
                ("purchase_date", ">=", result["purchase_from"]),
                ("purchase_date", "<", result["purchase_to"]),
            ]
        )
        kpis = self._kpis(result)
        self.assertEqual(kpis["sales"][0], len(sales))
        self.assertEqual(kpis["revenue"][0], sum(sales.mapped("amount")))
        reached = self.env["oto.contact"].search_count(
            [
                ("company_id", "=", self.company.id),
                ("reached", "=", "yes"),
                ("date", ">=", utc_start(date(2026, 10, 22))),
                ("date", "<", utc_start(date(2026, 11, 21))),
            ]
        )
        self.assertEqual(reached, 4)
        converted = self.env["oto.attribution"].search(
            [
                ("company_id", "=", self.company.id),
                ("contact_date", ">=", utc_start(date(2026, 10, 22))),
                ("contact_date", "<", utc_start(date(2026, 11, 21))),
            ]
        )
        self.assertEqual(len(converted.contact_id), 3)
        self.assertEqual(kpis["conversion"][0], round(3 * 100 / reached, 1))
        # Per seller: the kept days (several sellers) and the live figures
        # (one seller) agree with the rows of that seller.
        ranking = {row["seller_id"]: row for row in result["ranking"]}
        for seller in self.ana | self.bia | self.caio:
            theirs = sales.filtered(lambda s, seller=seller: s.seller_id == seller)
            alone = self._kpis(self.Result.get_results("30d", seller_id=seller.id))
            self.assertEqual(ranking[seller.id]["sales"], len(theirs))
            self.assertEqual(
                ranking[seller.id]["revenue"], sum(theirs.mapped("amount"))
            )
            self.assertEqual(alone["sales"][0], len(theirs))
            self.assertEqual(alone["revenue"][0], sum(theirs.mapped("amount")))
        store = self._kpis(self.Result.get_results("30d", store_id=self.other_store.id))
        self.assertEqual(store["revenue"][0], 100.0)

    @freeze_time(TODAY)
    def test_late_and_cancelled_purchases_change_kept_days(self):
        self._contact(datetime(2026, 11, 10, 13, 0))
        self.assertEqual(self._kpis(self.Result.get_results("30d"))["sales"][0], 0)
        stored = self.Result.search([("company_id", "=", self.company.id)])
        self.assertFalse(stored.filtered("sales"))
        # Recorded today, bought on the 11th: the kept day is recomputed.
        late = self._order(datetime(2026, 11, 11, 15, 0), quantity=2)
        self.assertEqual(self._kpis(self.Result.get_results("30d"))["revenue"][0], 200)
        day = self.Result.search(
            [("company_id", "=", self.company.id), ("day", "=", date(2026, 11, 11))]
        )
        self.assertEqual((day.seller_id, day.sales, day.revenue), (self.ana, 1, 200))
        late._action_cancel()
        self.assertEqual(self._kpis(self.Result.get_results("30d"))["revenue"][0], 0)
        self.assertFalse(day.exists())

    @freeze_time(TODAY)
    def test_conversion_counts_customers_not_purchases(self):
        # One customer reached buys three times in the window: one conversion.
        self._contact(datetime(2026, 11, 10, 13, 0))
        for day in (11, 12, 14):
            self._order(datetime(2026, 11, day, 15, 0))
        kpis = self._kpis(self.Result.get_results("30d"))
        self.assertEqual(kpis["sales"][0], 3)
        self.assertEqual(kpis["conversion"][0], 100.0)
        # A purchase recorded late converts a contact of an earlier kept day.
        self._contact(datetime(2026, 11, 3, 13, 0), customer=self.paula)
        self.assertEqual(
            self._kpis(self.Result.get_results("30d"))["conversion"][0], 50.0
        )
        self._order(datetime(2026, 11, 8, 15, 0), customer=self.paula)
        self.assertEqual(
            self._kpis(self.Result.get_results("30d"))["conversion"][0], 100.0
        )

    def test_periods_on_month_boundaries(self):
        cases = {
            # today: (current, previous)
            date(2026, 3, 31): (
                (date(2026, 3, 1), date(2026, 3, 31)),
                (date(2026, 2, 1), date(2026, 2, 28)),
            ),
            date(2026, 3, 1): (
                (date(2026, 3, 1), date(2026, 3, 1)),
                (date(2026, 2, 1), date(2026, 2, 1)),
            ),
            date(2028, 3, 30): (
                (date(2028, 3, 1), date(2028, 3, 30)),
                (date(2028, 2, 1), date(2028, 2, 29)),
            ),
            date(2026, 1, 15): (
                (date(2026, 1, 1), date(2026, 1, 15)),
                (date(2025, 12, 1), date(2025, 12, 15)),
            ),
        }
        for today, expected in cases.items():
            with self.subTest(today=today):
                self.assertEqual(periods("month", today), expected)
        self.assertEqual(
            periods("30d", date(2026, 3, 1)),
            (
                (date(2026, 1, 31), date(2026, 3, 1)),
                (date(2026, 1, 1), date(2026, 1, 30)),
            ),
        )

    @freeze_time("2026-03-01 15:00:00")
    def test_month_compares_with_the_same_days_of_the_previous_month(self):
        self._contact(datetime(2026, 2, 1, 13, 0))
        self._order(datetime(2026, 2, 1, 18, 0))  # 1 February: counted before
        self._order(datetime(2026, 2, 2, 18, 0))  # 2 February: not compared
        self._contact(datetime(2026, 3, 1, 12, 0))
        self._order(datetime(2026, 3, 1, 14, 0), quantity=3)
        result = self.Result.get_results("month")
        self.assertEqual((result["date_from"], result["date_to"]), ("2026-03-01",) * 2)
        self.assertEqual(
            (result["previous_from"], result["previous_to"]), ("2026-02-01",) * 2
        )
        self.assertEqual(self._kpis(result)["revenue"], (300.0, 100.0, 200.0))

    @freeze_time(TODAY)
    def test_each_role_sees_its_scope(self):
        self._month_of_work()
        seller_user = new_test_user(
            self.env,
            "oto_results_ana",
            groups="oto_crm.oto_crm_group_seller",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self.ana.user_id = seller_user
        manager = new_test_user(
            self.env,
            "oto_results_manager",
            groups="oto_crm.oto_crm_group_manager",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self.other_store.manager_ids = [(4, manager.id)]
        Result = self.Result.with_user(seller_user)
        mine = Result.get_results("30d")
        self.assertEqual([row["name"] for row in mine["ranking"]], ["Ana Lima"])
        self.assertEqual(self._kpis(mine)["revenue"][0], 300.0)
        self.assertEqual(mine["stores"], [])
        with self.assertRaises(AccessError):
            Result.get_results("30d", seller_id=self.bia.id)
        theirs = self.Result.with_user(manager).get_results("30d")
        self.assertEqual([row["name"] for row in theirs["ranking"]], ["Caio Melo"])
        self.assertEqual(
            theirs["stores"], [{"id": self.other_store.id, "name": "Loja Norte"}]
        )
        self.assertEqual(self._kpis(theirs)["revenue"][0], 0)
        with self.assertRaises(AccessError):
            self.Result.with_user(manager).get_results("30d", seller_id=self.ana.id)
        # The kept days follow the same rules.
        self.Result._refresh(self.company)
        self.assertTrue(self.Result.search([("seller_id", "=", self.bia.id)]))
        self.assertEqual(
            self.Result.with_user(seller_user).search([]).seller_id, self.ana
        )

    def test_unknown_period(self):
        with self.assertRaisesRegex(UserError, "Unknown results period"):
            self.Result.get_results("year")

    @freeze_time(TODAY)
    def test_by_opportunity_type(self):
        """What each kind of opportunity brought: a campaign's, an abandoned
        cart's (behaviour) and a contact the seller started, each credited
        with its own sale; the types add up to the period's figures, kept
        days and today alike, and a seller sees only theirs."""
        self._month_of_work()
        cart = self.env["oto.suggestion"].create(
            {
                "type": "behavior",
                "state": "done",
                "result": "positive",
                "date": date(2026, 11, 13),
                "seller_id": self.bia.id,
                "company_id": self.company.id,
                "partner_id": self.rita.id,
                "origin_reason": "Carrinho abandonado",
            }
        )
        self.env["oto.contact"].create(
            {
                "partner_id": self.rita.id,
                "seller_id": self.bia.id,
                "company_id": self.company.id,
                "suggestion_id": cart.id,
                "date": datetime(2026, 11, 13, 13, 0),
                "reached": "yes",
            }
        )
        self._order(
            datetime(2026, 11, 14, 15, 0),
            quantity=5,
            customer=self.rita,
            seller=self.bia,
        )
        # Today (read live): Caio's campaign suggestion worked and bought.
        campaign = self._suggestion(date(2026, 11, 20), self.caio, "done", self.sara)
        self.env["oto.contact"].create(
            {
                "partner_id": self.sara.id,
                "seller_id": self.caio.id,
                "company_id": self.company.id,
                "suggestion_id": campaign.id,
                "date": datetime(2026, 11, 20, 12, 0),
                "reached": "yes",
            }
        )
        self._order(datetime(2026, 11, 20, 14, 0), customer=self.sara, seller=self.caio)
        result = self.Result.get_results("30d")
        types = {row["type"]: row for row in result["types"]}
        self.assertEqual(list(types), ["segment", "contact", "behavior"])
        self.assertEqual(
            {kind: (row["sales"], row["revenue"]) for kind, row in types.items()},
            {
                # Caio's sale today.
                "segment": (1, 100.0),
                # Ana's two contacts of her own (the wallet), 200 and 100.
                "contact": (2, 300.0),
                # Bia's abandoned cart: 5 items.
                "behavior": (1, 500.0),
            },
        )
        self.assertEqual(
            (types["behavior"]["offered"], types["behavior"]["done"]), (1, 1)
        )
        self.assertEqual(types["behavior"]["conversion"], 100.0)
        # Ana's contacts of her own are not suggestions offered.
        self.assertEqual(types["contact"]["offered"], 0)
        kpis = self._kpis(result)
        for key in ("revenue", "sales", "offered", "done"):
            self.assertAlmostEqual(
                sum(row[key] for row in result["types"]), kpis[key][0], msg=key
            )
        # The same sales, row by row, in the detail.
        detail = self.env["oto.attribution"].search(
            [
                ("company_id", "=", self.company.id),
                ("purchase_date", ">=", result["purchase_from"]),
                ("purchase_date", "<", result["purchase_to"]),
            ]
        )
        by_type = {}
        for sale in detail:
            by_type[sale.suggestion_type] = (
                by_type.get(sale.suggestion_type, 0) + sale.amount
            )
        self.assertEqual(
            by_type,
            {kind: row["revenue"] for kind, row in types.items() if row["sales"]},
        )
        # Kept: the same figures the next day, today's now from the kept days.
        with freeze_time("2026-11-21 15:00:00"):
            later = {
                row["type"]: row for row in self.Result.get_results("30d")["types"]
            }
        self.assertEqual(later["segment"]["revenue"], 100.0)
        self.assertEqual(later["behavior"]["revenue"], 500.0)
        # Bia's own results: her type only.
        seller_user = new_test_user(
            self.env,
            "oto_results_types_bia",
            groups="oto_crm.oto_crm_group_seller",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self.bia.user_id = seller_user
        mine = self.Result.with_user(seller_user).get_results("30d")
        self.assertEqual(
            [(row["type"], row["revenue"]) for row in mine["types"] if row["sales"]],
            [("behavior", 500.0)],
        )
