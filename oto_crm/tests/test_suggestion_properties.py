# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The daily generation over random brands (hypothesis): limits, caps,
holdouts and days off never let a second run of the day create anything,
nor a seller get more than their room."""

import os
from contextlib import closing, contextmanager
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import freeze_time, tagged
from odoo.tools import SQL

from .test_suggestions import NOW, TODAY, SuggestionsCommon
from .wallet_world import PROPERTY

EXAMPLES = int(os.environ.get("OTO_SUGGESTION_EXAMPLES", "30"))


@tagged("post_install", "-at_install", "oto_crm", "oto_property")
@freeze_time(NOW)
class TestSuggestionProperties(SuggestionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sellers = cls.ana | cls.bia | cls.caio
        cls.customers = cls.env["res.partner"].concat(
            *(cls._class_customers(seller, 7) for seller in cls.sellers)
        )

    @classmethod
    def _class_customers(cls, seller, count):
        return cls.env["res.partner"].create(
            [
                {
                    "name": f"Cliente {seller.code} {n}",
                    "company_id": cls.company.id,
                    "customer_rank": 1,
                    "mobile": f"+5511955{seller.id % 10}{n:04d}",
                    "oto_seller_id": seller.id,
                }
                for n in range(count)
            ]
        )

    @contextmanager
    def example(self):
        with closing(self.env.cr.savepoint()):
            try:
                yield
            finally:
                self.env.invalidate_all()
        self.env.invalidate_all()

    def _day(self):
        """(suggestions, holdouts) of the day: (campaign, seller, customer)."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT campaign_id, seller_id, partner_id FROM oto_suggestion "
                "WHERE company_id = %s AND date = %s AND type = 'segment'",
                self.company.id,
                TODAY,
            )
        )
        suggested = sorted(cr.fetchall())
        cr.execute(
            SQL(
                "SELECT campaign_id, seller_id, partner_id FROM oto_campaign_holdout "
                "WHERE company_id = %s AND date = %s",
                self.company.id,
                TODAY,
            )
        )
        return suggested, sorted(cr.fetchall())

    @settings(PROPERTY, max_examples=EXAMPLES)
    @given(data=st.data())
    def test_a_second_run_of_the_day_creates_nothing(self, data):
        """Brand, store and seller limits, days off, one to three campaigns
        with caps, holdouts, cooldowns and validities, two to four runs the
        same day: the first run's day is the day; no seller gets more than
        their room, no campaign more than its cap per seller; the holdout
        is drawn within each seller's selection."""
        with self.example():
            self.company.oto_daily_limit = data.draw(st.integers(1, 8), label="brand")
            self.store.daily_limit = data.draw(st.integers(0, 6), label="store")
            for seller in self.sellers:
                seller.daily_limit = data.draw(st.integers(0, 6), label=seller.code)
                if data.draw(st.integers(0, 4)) == 0:
                    self.env["oto.seller.dayoff"].create(
                        {
                            "seller_id": seller.id,
                            "date_from": TODAY - timedelta(days=1),
                            "date_to": TODAY,
                        }
                    )
            campaigns = self.env["oto.campaign"]
            for n in range(data.draw(st.integers(1, 3), label="campaigns")):
                campaigns |= self._campaign(
                    f"Campanha {n}",
                    sequence=data.draw(st.integers(1, 5)),
                    daily_cap=data.draw(st.integers(0, 5)),
                    holdout_percent=data.draw(st.sampled_from([0, 10, 30, 50])),
                    cooldown_days=data.draw(st.sampled_from([0, 1, 30])),
                    validity_days=data.draw(st.integers(1, 3)),
                )
            self._generate()
            first = self._day()
            for _run in range(data.draw(st.integers(1, 3), label="reruns")):
                self._generate()
                self.assertEqual(self._day(), first)
            suggested, held = first
            for seller in self.sellers:
                given_today = [r for r in suggested + held if r[1] == seller.id]
                off = seller.dayoff_ids.filtered(
                    lambda d: d.date_from <= TODAY <= d.date_to
                )
                room = 0 if off else seller._daily_limit()
                self.assertLessEqual(len(given_today), room, seller.code)
                for campaign in campaigns.filtered("daily_cap"):
                    mine = [r for r in given_today if r[0] == campaign.id]
                    self.assertLessEqual(len(mine), campaign.daily_cap)
            # One suggestion (or hold-out) of the day per customer.
            customers = [r[2] for r in suggested]
            self.assertEqual(len(customers), len(set(customers)))
