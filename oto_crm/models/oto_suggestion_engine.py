# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The daily generation of suggestions: set-based SQL, one statement per
campaign, in the brand's priority order.

For each company and day: expire what is past its deadline; compute each
active seller's room (their limiter less what they already got today; none
on a day off); then for each valid campaign take the audience within the
sellers' wallets, drop the customers who cannot or should not be contacted
(the consent gate refuses every channel of the campaign, in quarantine,
with an open suggestion, suggested by the campaign recently), score and
rank them per seller, keep as many as the seller's room and the campaign's
cap allow, and among those hold out a stable random share (recorded, in
their slot): the holdout is drawn from the customers the campaign would
have suggested, so that the lift compares like with like. Running it twice
the same day creates nothing new (what the day gave, held out or suggested,
counts against the room and the cap).
"""

import logging

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.suggestion_rules import holdout_sql
from .brand_time import brand_timezone, brand_today

_logger = logging.getLogger(__name__)

# Conversion score (0-100): weights of its stored components.
WEIGHT_RFV = 0.5
WEIGHT_CYCLE = 0.3
WEIGHT_RESPONSE = 0.2


class OtoSuggestionEngine(models.AbstractModel):
    _name = "oto.suggestion.engine"
    _description = "Daily suggestions generator"

    @api.model
    def _cron_generate_suggestions(self):
        """Each company's day in turn: one company's failure is logged on it
        and the others go on."""
        companies = (
            self.env["oto.campaign"].sudo().search([]).company_id
            | self.env["oto.suggestion"]
            .sudo()
            .search([("state", "=", "backlog")])
            .company_id
        )
        self.env["oto.company.job"]._run_per_company(
            "suggestions",
            companies,
            lambda company: self.with_company(company)._generate(company),
        )

    @api.model
    def _generate(self, company, today=None):
        """Generate ``today``'s suggestions of ``company``; returns
        {campaign: (suggested, held out)}. One run per company at a time:
        another one raises ``OtoRunInProgress``."""
        self = self.sudo().with_company(company)
        with self.env["oto.company.job"]._lock("suggestions", company):
            return self._generate_day(company, today)

    def _generate_day(self, company, today):
        today = today or brand_today(self.env)
        self.env.flush_all()
        cr = self.env.cr
        self._expire(company, today)
        self.env["oto.suggestion"]._oto_assign_backlog(company, today)
        self.env.flush_all()
        self._prepare_room(company, today)
        campaigns = self.env["oto.campaign"].search(
            [
                ("company_id", "=", company.id),
                "|",
                ("date_from", "=", False),
                ("date_from", "<=", today),
                "|",
                ("date_to", "=", False),
                ("date_to", ">=", today),
            ]
        )
        summary = {}
        for campaign in campaigns:
            error = campaign._settings_error()
            if error:
                _logger.warning("Campaign %s skipped: %s", campaign.name, error)
                continue
            summary[campaign] = self._generate_campaign(campaign, today)
        cr.execute("DROP TABLE IF EXISTS oto_suggestion_room")
        self.env["oto.suggestion"].invalidate_model()
        # What to offer each of the day's customers (set-based, one pass).
        self.env["oto.recommendation"]._compute_for_day(company, today)
        _logger.info(
            "Suggestions of %s for %s: %s",
            company.name,
            today,
            {c.name: n for c, n in summary.items()},
        )
        return summary

    def _expire(self, company, today):
        self.env.cr.execute(
            SQL(
                """
                UPDATE oto_suggestion SET state = 'expired', write_date = %(now)s
                 WHERE company_id = %(company)s
                   AND state IN ('backlog', 'assigned', 'in_progress')
                   AND deadline < %(today)s
                """,
                company=company.id,
                today=today,
                now=fields.Datetime.now(),
            )
        )

    def _prepare_room(self, company, today):
        """Temporary table of each seller's room today: the limiter (seller,
        else store, else brand) less the campaign suggestions already given
        today and the customers held out of today's selections; sellers on a
        day off or inactive have none."""
        cr = self.env.cr
        cr.execute("DROP TABLE IF EXISTS oto_suggestion_room")
        cr.execute(
            SQL(
                """
                CREATE TEMPORARY TABLE oto_suggestion_room ON COMMIT DROP AS
                SELECT s.id AS seller_id, s.store_id,
                       COALESCE(NULLIF(s.daily_limit, 0), NULLIF(st.daily_limit, 0),
                                %(brand_limit)s)
                       - (SELECT count(*) FROM oto_suggestion g
                           WHERE g.seller_id = s.id AND g.date = %(today)s
                             AND g.type = 'segment')
                       -- A customer held out today kept their slot.
                       - (SELECT count(*) FROM oto_campaign_holdout h
                           WHERE h.seller_id = s.id AND h.date = %(today)s) AS room
                  FROM oto_seller s
                  JOIN oto_store st ON st.id = s.store_id AND st.active
                 WHERE s.company_id = %(company)s AND s.active
                   AND NOT EXISTS (SELECT 1 FROM oto_seller_dayoff d
                                    WHERE d.seller_id = s.id
                                      AND %(today)s BETWEEN d.date_from AND d.date_to)
                """,
                company=company.id,
                today=today,
                brand_limit=company.oto_daily_limit,
            )
        )
        cr.execute("ALTER TABLE oto_suggestion_room ADD PRIMARY KEY (seller_id)")
        cr.execute("ANALYZE oto_suggestion_room")

    def _generate_campaign(self, campaign, today):
        cr = self.env.cr
        company = campaign.company_id
        channels = campaign._channels()
        # The consent gate, set-based: reachable on one of the campaign's
        # channels at least.
        gate = self.env["oto.consent.gate"]
        gate._flush()
        reachable = SQL(" OR ").join(
            gate._allowed_sql("p", channel, "marketing") for channel in channels
        )
        stores = SQL("TRUE")
        if campaign.store_ids:
            stores = SQL("r.store_id = ANY(%s)", campaign.store_ids.ids)
        now = fields.Datetime.now()
        params = {
            "company": company.id,
            "campaign": campaign.id,
            "today": today,
            "now": now,
            "uid": self.env.uid,
        }
        cr.execute(
            SQL(
                """
                CREATE TEMPORARY TABLE oto_suggestion_candidate ON COMMIT DROP AS
                SELECT p.id AS partner_id, r.seller_id, r.store_id,
                       %(holdout)s < %(share)s AS held_out,
                       COALESCE((c.r_score + c.f_score + c.v_score) / 15.0 * 100, 0)
                           AS score_rfv,
                       CASE WHEN c.order_count > 0 THEN
                           least(greatest((%(today)s::date
                                          - (c.last_purchase AT TIME ZONE 'UTC'
                                             AT TIME ZONE %(tz)s)::date)::float
                                          / greatest(%(window_days)s::float / c.order_count, 1),
                                          0), 2) * 50
                       ELSE 50 END AS score_cycle,
                       COALESCE(h.score_response, 50) AS score_response
                  FROM res_partner p
                  JOIN oto_suggestion_room r ON r.seller_id = p.oto_seller_id
                  LEFT JOIN oto_wallet_customer c ON c.partner_id = p.id
                                                 AND c.company_id = %(company)s
                  LEFT JOIN LATERAL (
                      SELECT (count(*) FILTER (WHERE k.reached = 'yes') + 1)::float
                             / (count(*) + 2) * 100 AS score_response
                        FROM (SELECT reached FROM oto_contact
                               WHERE partner_id = p.id ORDER BY date DESC LIMIT 5) k
                  ) h ON TRUE
                 WHERE p.active AND (%(audience)s) AND %(stores)s
                   AND p.oto_phone_e164 IS NOT NULL
                   AND (%(reachable)s)
                   AND (p.oto_quarantine_until IS NULL OR p.oto_quarantine_until <= %(today)s)
                   AND NOT EXISTS (SELECT 1 FROM oto_suggestion o
                                    WHERE o.partner_id = p.id
                                      AND o.state IN ('backlog', 'assigned', 'in_progress'))
                   AND NOT EXISTS (SELECT 1 FROM oto_suggestion o
                                    WHERE o.partner_id = p.id
                                      AND o.campaign_id = %(campaign)s
                                      -- Never twice the same day, whatever the cooldown.
                                      AND o.date > %(today)s::date - GREATEST(%(cooldown)s, 1))
                   AND NOT EXISTS (SELECT 1 FROM oto_campaign_holdout x
                                    WHERE x.partner_id = p.id
                                      AND x.campaign_id = %(campaign)s)
                """,
                holdout=SQL(holdout_sql(str(campaign.id), "p.id")),
                share=campaign.holdout_percent * 100,
                window_days=company.oto_window_months * 30,
                tz=brand_timezone(self.env),
                audience=campaign._audience_sql(today),
                stores=stores,
                reachable=reachable,
                cooldown=campaign.cooldown_days,
                **params,
            )
        )
        cap = campaign.daily_cap or 2147483647
        # The day's selection, held-out customers included: per seller, the
        # best ranked within the room and what is left of the campaign's
        # cap today (a second run of the day counts what the first gave,
        # held out or suggested). The holdout is drawn among these, so that
        # it is compared with the customers who would have been suggested
        # (not with the whole audience); a held-out customer keeps their
        # slot (the seller gets nobody in their place).
        cr.execute(
            SQL(
                """
                CREATE TEMPORARY TABLE oto_suggestion_selected ON COMMIT DROP AS
                WITH given AS (
                    SELECT seller_id, count(*) AS n FROM (
                        SELECT seller_id FROM oto_suggestion
                         WHERE campaign_id = %(campaign)s AND date = %(today)s
                           AND type = 'segment'
                        UNION ALL
                        SELECT seller_id FROM oto_campaign_holdout
                         WHERE campaign_id = %(campaign)s AND date = %(today)s) g
                     GROUP BY seller_id
                ), ranked AS (
                    SELECT k.*, r.room, COALESCE(given.n, 0) AS given,
                           %(w_rfv)s * k.score_rfv + %(w_cycle)s * k.score_cycle
                           + %(w_response)s * k.score_response AS score,
                           row_number() OVER (
                               PARTITION BY k.seller_id
                               ORDER BY %(w_rfv)s * k.score_rfv + %(w_cycle)s * k.score_cycle
                                        + %(w_response)s * k.score_response DESC,
                                        k.partner_id) AS rank
                      FROM oto_suggestion_candidate k
                      JOIN oto_suggestion_room r ON r.seller_id = k.seller_id
                      LEFT JOIN given ON given.seller_id = k.seller_id
                )
                SELECT * FROM ranked WHERE rank <= least(room, %(cap)s - given)
                """,
                w_rfv=WEIGHT_RFV,
                w_cycle=WEIGHT_CYCLE,
                w_response=WEIGHT_RESPONSE,
                cap=cap,
                **params,
            )
        )
        cr.execute(
            SQL(
                """
                INSERT INTO oto_campaign_holdout (campaign_id, partner_id, seller_id,
                                                  company_id, date)
                SELECT %(campaign)s, partner_id, seller_id, %(company)s, %(today)s
                  FROM oto_suggestion_selected WHERE held_out
                ON CONFLICT (campaign_id, partner_id) DO NOTHING
                """,
                **params,
            )
        )
        held_out = cr.rowcount
        cr.execute(
            SQL(
                """
                WITH inserted AS (
                    INSERT INTO oto_suggestion (date, deadline, company_id, seller_id,
                        store_id, partner_id, campaign_id, campaign_sequence, type, state,
                        priority, rank, score, score_rfv, score_cycle, score_response,
                        create_date, write_date, create_uid, write_uid)
                    SELECT %(today)s, %(today)s::date + %(validity)s - 1, %(company)s,
                           seller_id, store_id, partner_id, %(campaign)s, %(sequence)s,
                           'segment', 'assigned', '0', rank, round(score::numeric, 1),
                           round(score_rfv::numeric, 1), round(score_cycle::numeric, 1),
                           round(score_response::numeric, 1),
                           %(now)s, %(now)s, %(uid)s, %(uid)s
                      FROM oto_suggestion_selected
                     WHERE NOT held_out
                    RETURNING seller_id
                ), used AS (
                    UPDATE oto_suggestion_room r SET room = r.room - n.count
                      FROM (SELECT seller_id, count(*) FROM oto_suggestion_selected
                             GROUP BY seller_id) n
                     WHERE r.seller_id = n.seller_id
                )
                SELECT count(*) FROM inserted
                """,
                validity=campaign.validity_days,
                sequence=campaign.sequence,
                **params,
            )
        )
        suggested = cr.fetchone()[0]
        cr.execute("DROP TABLE oto_suggestion_candidate")
        cr.execute("DROP TABLE oto_suggestion_selected")
        return suggested, held_out
