# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from functools import partial

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .brand_time import (
    brand_timezone,
    brand_today,
    day_ranges,
    periods,
    utc_start,
)
from .oto_suggestion import TYPES

PERIODS = ("30d", "month")
FIGURES = ("offered", "done", "reached", "converted", "sales", "revenue", "items")
# Days of results kept (and computed the first time).
HISTORY_DAYS = 400


class OtoResultDay(models.Model):
    """A seller's results of one day: suggestions offered and done, contacts
    that reached a customer, sales from contacts (credited to the contact's
    seller on the purchase day). Kept so that a store's or the brand's
    figures of two months read a few thousand rows, not millions of
    contacts and purchases; recomputed from the sources for every day whose
    sources changed (a purchase recorded late, an order cancelled, a contact
    recorded after the fact), and today's are always read live."""

    _name = "oto.result.day"
    _inherit = ["oto.kept.days"]
    _description = "Seller results of a day"
    _log_access = False
    _order = "day desc, seller_id"
    _kept_key = "results"

    company_id = fields.Many2one("res.company", required=True, readonly=True)
    seller_id = fields.Many2one(
        "oto.seller", required=True, readonly=True, ondelete="cascade"
    )
    day = fields.Date(required=True, readonly=True)
    type = fields.Selection(
        TYPES,
        string="Opportunity type",
        required=True,
        readonly=True,
        help="The type of the suggestions offered and done, of the contacts' "
        "suggestions and of the suggestions credited with the sales.",
    )
    offered = fields.Integer(string="Suggestions offered", readonly=True)
    done = fields.Integer(string="Suggestions done", readonly=True)
    reached = fields.Integer(string="Customers reached", readonly=True)
    converted = fields.Integer(
        string="Reached and bought",
        readonly=True,
        help="Contacts of the day that reached the customer and are credited "
        "with a sale (within the attribution window).",
    )
    sales = fields.Integer(string="Sales from contacts", readonly=True)
    revenue = fields.Float(digits="Product Price", readonly=True)
    items = fields.Float(readonly=True)

    _sql_constraints = [
        (
            "seller_day_uniq",
            "unique(company_id, day, seller_id, type)",
            "One row of results per seller, day and opportunity type.",
        ),
    ]

    def init(self):
        # Changes since the last refresh are found by their write date.
        for table in ("oto_contact", "oto_suggestion"):
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX IF NOT EXISTS %s ON %s (write_date)",
                    SQL.identifier(f"{table}_oto_write_date_idx"),
                    SQL.identifier(table),
                )
            )
        # A seller's or a store's kept days.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS oto_result_day_seller_day_idx "
            "ON oto_result_day (seller_id, day)"
        )
        # A seller's contacts and suggestions of a period.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS oto_contact_seller_date_idx "
            "ON oto_contact (seller_id, date)"
        )

    # ------------------------------------------------------------ figures

    @api.model
    def _figures_sql(self, company, date_from, date_to, seller_ids=None):
        """(seller_id, day, type, offered, done, reached, converted, sales,
        revenue, items) of the days ``date_from`` to ``date_to`` computed
        from the sources, by the type of the suggestions (a contact's: its
        suggestion's).
        Sales are those of the sales from contacts view (``oto.attribution``)
        bought on those days: the same rows, found within bounds."""
        tz = brand_timezone(self.env)
        start, end = (
            utc_start(date_from, tz),
            utc_start(date_to + timedelta(days=1), tz),
        )
        since = utc_start(date_from - timedelta(days=company.oto_attribution_days), tz)
        sellers = SQL()
        contact_sellers = SQL()
        if seller_ids is not None:
            sellers = SQL(" AND s.seller_id = ANY(%s)", list(seller_ids))
            contact_sellers = SQL(" AND c.seller_id = ANY(%s)", list(seller_ids))
        attribution = self.env["oto.attribution"]._query(
            {
                "contact_since": since,
                "purchase_from": start,
                "purchase_to": end,
                "company_id": company.id,
                "seller_ids": seller_ids,
            }
        )
        # The contacts of these days credited with a sale, up to the end of
        # their window.
        converted = self.env["oto.attribution"]._query(
            {
                "contact_since": start,
                "contact_until": end,
                "purchase_from": start,
                "purchase_to": utc_start(
                    date_to + timedelta(days=company.oto_attribution_days + 1), tz
                ),
                "company_id": company.id,
                "seller_ids": seller_ids,
            }
        )
        return SQL(
            """
            SELECT seller_id, day, type, sum(offered)::int AS offered,
                   sum(done)::int AS done, sum(reached)::int AS reached,
                   sum(converted)::int AS converted,
                   sum(sales)::int AS sales, sum(revenue) AS revenue,
                   sum(items) AS items
              FROM (
                SELECT s.seller_id, s.date AS day, s.type, count(*) AS offered,
                       count(*) FILTER (WHERE s.state = 'done') AS done,
                       0 AS reached, 0 AS converted, 0 AS sales, 0 AS revenue,
                       0 AS items
                  FROM oto_suggestion s
                 WHERE s.company_id = %(company)s AND s.date >= %(date_from)s
                   AND s.date <= %(date_to)s AND s.seller_id IS NOT NULL
                   AND s.state <> 'backlog' AND s.type <> 'contact' %(sellers)s
                 GROUP BY 1, 2, 3
                UNION ALL
                SELECT c.seller_id,
                       (c.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date,
                       COALESCE(sg.type, 'contact'), 0, 0, count(*), 0, 0, 0, 0
                  FROM oto_contact c
                  LEFT JOIN oto_suggestion sg ON sg.id = c.suggestion_id
                 WHERE c.company_id = %(company)s AND c.reached = 'yes'
                   AND c.date >= %(start)s AND c.date < %(end)s
                   AND c.seller_id IS NOT NULL %(contact_sellers)s
                 GROUP BY 1, 2, 3
                UNION ALL
                SELECT a.seller_id, (a.purchase_date AT TIME ZONE 'UTC'
                                     AT TIME ZONE %(tz)s)::date,
                       a.suggestion_type, 0, 0, 0, 0, count(*), sum(a.amount),
                       sum(a.item_count)
                  FROM (%(attribution)s) a
                 WHERE a.seller_id IS NOT NULL
                 GROUP BY 1, 2, 3
                UNION ALL
                SELECT a.seller_id, a.contact_day, a.suggestion_type, 0, 0, 0,
                       count(DISTINCT a.contact_id), 0, 0, 0
                  FROM (%(converted)s) a
                 WHERE a.seller_id IS NOT NULL
                 GROUP BY 1, 2, 3
              ) f
             GROUP BY seller_id, day, type
            """,
            company=company.id,
            date_from=date_from,
            date_to=date_to,
            start=start,
            end=end,
            tz=tz,
            sellers=sellers,
            contact_sellers=contact_sellers,
            attribution=attribution,
            converted=converted,
        )

    # ------------------------------------------------------------ refresh

    @api.model
    def _cron_refresh(self):
        """Each company in turn: one company's failure is logged on it and
        the others go on."""
        self.env["oto.company.job"]._run_per_company(
            "results", self.env["res.company"].search([]), self._refresh
        )

    @api.model
    def _refresh(self, company, today=None):
        """Bring the kept days of ``company`` up to yesterday: the days not
        kept yet, and the days whose sources were written since the last
        refresh. Skipped while another transaction refreshes them."""
        today = today or brand_today(self.env)
        cr = self.env.cr
        cr.execute(
            "SELECT pg_try_advisory_xact_lock(hashtext('oto_result_day'), %s)",
            [company.id],
        )
        if not cr.fetchone()[0]:
            return False
        self._flush_sources()
        first = today - timedelta(days=HISTORY_DAYS)
        yesterday = today - timedelta(days=1)
        days = self._days_to_compute(
            company, first, yesterday, partial(self._changed_days, company)
        )
        ranges = day_ranges(sorted(days))
        for date_from, date_to in ranges:
            self._store(company, date_from, date_to)
        self._days_kept(company, first, yesterday, ranges)
        return True

    @api.model
    def _flush_sources(self):
        self.env["oto.purchase"]._flush_sources()
        for model in ("oto.contact", "oto.suggestion", "res.company"):
            self.env[model].flush_model()

    @api.model
    def _changed_days(self, company, since):
        """Days whose figures may have changed by writes since ``since``:
        a purchase's day and the window before it (the contacts it converts),
        suggestions' days, and for a contact the days of the purchases it may
        be credited with."""
        purchases = SQL(" UNION ").join(
            self.env["oto.purchase"]._get_changed_day_queries(company.id, since)
        )
        queries = [
            # A purchase's day, and the days of the contacts it may convert.
            SQL(
                "SELECT generate_series(day - %s, day, interval '1 day')::date "
                "FROM (%s) changed(day)",
                company.oto_attribution_days,
                purchases,
            ),
            SQL(
                "SELECT date FROM oto_suggestion "
                "WHERE company_id = %s AND write_date >= %s",
                company.id,
                since,
            ),
            SQL(
                """
                SELECT generate_series(d, d + %(window)s, interval '1 day')::date
                  FROM (SELECT DISTINCT
                               (date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS d
                          FROM oto_contact
                         WHERE company_id = %(company)s
                           AND write_date >= %(since)s) changed
                """,
                window=company.oto_attribution_days,
                tz=brand_timezone(self.env),
                company=company.id,
                since=since,
            ),
        ]
        self.env.cr.execute(SQL(" UNION ").join(queries))
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _store(self, company, date_from, date_to):
        cr = self.env.cr
        cr.execute(
            "DELETE FROM oto_result_day "
            "WHERE company_id = %s AND day >= %s AND day <= %s",
            [company.id, date_from, date_to],
        )
        cr.execute(
            SQL(
                """
                INSERT INTO oto_result_day (company_id, seller_id, day, type,
                                            offered, done, reached, converted,
                                            sales, revenue, items)
                SELECT %s, f.seller_id, f.day, f.type, f.offered, f.done,
                       f.reached, f.converted, f.sales, f.revenue, f.items
                  FROM (%s) f
                """,
                company.id,
                self._figures_sql(company, date_from, date_to),
            )
        )
        self.invalidate_model()

    # ------------------------------------------------------------ reading

    @api.model
    def _results_role(self):
        scope = self.env["oto.access"]._scope()
        if scope.admin:
            return "admin"
        if scope.store_ids:
            return "manager"
        return "seller"

    @api.model
    def _results_sellers(self, store_id=None, seller_id=None):
        """The sellers whose results the user may read, narrowed to a store
        or a seller: a seller their own; a store manager their stores' (also
        when identified by PIN on the store's device); a brand admin the
        company's."""
        Seller = self.env["oto.seller"]
        role = self._results_role()
        domain = [("company_id", "=", self.env.company.id)]
        if role == "manager":
            domain.append(("store_id", "in", self.env["oto.access"]._scope().store_ids))
        elif role == "seller":
            own = Seller._get_current_seller()
            if not own:
                raise AccessError(self.env._("Only sellers have results to see."))
            domain.append(("id", "=", own.id))
        if store_id:
            domain.append(("store_id", "=", store_id))
        if seller_id:
            domain.append(("id", "=", seller_id))
        return Seller.sudo().with_context(active_test=False).search(domain)

    @api.model
    def get_results(self, period="30d", store_id=False, seller_id=False):
        """The results screen: the KPIs of the period with the previous one
        and a ranking of the sellers. Sales and revenue are exactly the sales
        from contacts (``oto.attribution``) bought in the period."""
        if period not in PERIODS:
            raise UserError(
                self.env._("Unknown results period '%(period)s'.", period=period)
            )
        company = self.env.company
        sellers = self._results_sellers(store_id, seller_id)
        if seller_id and not sellers:
            raise AccessError(self.env._("You cannot see this seller's results."))
        today = brand_today(self.env)
        (cur_from, cur_to), (prev_from, prev_to) = periods(period, today)
        by_type = {}
        by_seller = self._read_figures(
            company,
            sellers,
            today,
            (cur_from, cur_to),
            (prev_from, prev_to),
            by_type=by_type,
        )
        totals = {"current": _empty(), "previous": _empty()}
        for figures in by_seller.values():
            for key in totals:
                for name, value in figures[key].items():
                    totals[key][name] += value
        currency = company.currency_id
        return {
            "period": period,
            "date_from": fields.Date.to_string(cur_from),
            "date_to": fields.Date.to_string(cur_to),
            "previous_from": fields.Date.to_string(prev_from),
            "previous_to": fields.Date.to_string(prev_to),
            # The purchases of the period, for the detail of the sales.
            "purchase_from": fields.Datetime.to_string(
                utc_start(cur_from, brand_timezone(self.env))
            ),
            "purchase_to": fields.Datetime.to_string(
                utc_start(cur_to + timedelta(days=1), brand_timezone(self.env))
            ),
            "currency_id": currency.id,
            "currency": {
                "symbol": currency.symbol or "",
                "position": currency.position,
                "digits": currency.decimal_places,
            },
            "kpis": self._kpis(totals["current"], totals["previous"]),
            "ranking": self._ranking(sellers, by_seller),
            "types": self._by_type(by_type),
            "stores": [] if seller_id else self._results_stores(),
        }

    @api.model
    def _read_figures(self, company, sellers, today, current, previous, by_type=None):
        """{seller id: {"current": figures, "previous": figures}}; offered
        and done leave out the seller's days off. With ``by_type``, also
        {type: {"current": figures, "previous": figures}} of these sellers
        together."""
        cur_from, cur_to = current
        prev_from, prev_to = previous
        whole = not self.env.su and self._results_role() == "admin"
        seller_ids = None if whole else sellers.ids
        # The kept days, brought up to date, and today live.
        self._refresh(company, today)
        stored = SQL(
            """
            SELECT seller_id, day, type, offered, done, reached, converted,
                   sales, revenue, items
              FROM oto_result_day
             WHERE company_id = %s AND day >= %s AND day < %s %s
            """,
            company.id,
            prev_from,
            today,
            SQL(" AND seller_id = ANY(%s)", seller_ids)
            if seller_ids is not None
            else SQL(),
        )
        source = SQL(
            "%s UNION ALL %s",
            stored,
            self._figures_sql(company, today, today, seller_ids),
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT f.seller_id, f.type, f.day >= %(cur_from)s AS current,
                       sum(f.offered) FILTER (WHERE off.seller_id IS NULL),
                       sum(f.done) FILTER (WHERE off.seller_id IS NULL),
                       sum(f.reached), sum(f.converted), sum(f.sales),
                       sum(f.revenue), sum(f.items)
                  FROM (%(source)s) f
                  LEFT JOIN (
                        SELECT DISTINCT seller_id, generate_series(
                                   greatest(date_from, %(prev_from)s),
                                   least(date_to, %(cur_to)s),
                                   interval '1 day')::date AS day
                          FROM oto_seller_dayoff
                         WHERE date_to >= %(prev_from)s AND date_from <= %(cur_to)s
                       ) off ON off.seller_id = f.seller_id AND off.day = f.day
                 WHERE (f.day BETWEEN %(cur_from)s AND %(cur_to)s)
                    OR (f.day BETWEEN %(prev_from)s AND %(prev_to)s)
                 GROUP BY 1, 2, 3
                """,
                source=source,
                cur_from=cur_from,
                cur_to=cur_to,
                prev_from=prev_from,
                prev_to=prev_to,
            )
        )
        wanted = set(sellers.ids)
        result = {}
        for seller_id, kind, current, *values in self.env.cr.fetchall():
            if seller_id not in wanted:
                continue
            period = "current" if current else "previous"
            targets = [
                result.setdefault(
                    seller_id, {"current": _empty(), "previous": _empty()}
                )
            ]
            if by_type is not None:
                targets.append(
                    by_type.setdefault(
                        kind, {"current": _empty(), "previous": _empty()}
                    )
                )
            for figures in targets:
                for name, value in zip(FIGURES, values, strict=True):
                    figures[period][name] += value or 0
        return result

    def _kpis(self, current, previous):
        kpis = []
        for key, label, kind in (
            ("revenue", self.env._("Revenue"), "money"),
            ("sales", self.env._("Sales"), "count"),
            ("conversion", self.env._("Conversion rate"), "rate"),
            ("offered", self.env._("Suggestions offered"), "count"),
            ("done", self.env._("Suggestions done"), "count"),
            ("engagement", self.env._("Engagement rate"), "rate"),
        ):
            value, before = _kpi(current, key), _kpi(previous, key)
            if kind == "rate":
                variation = (
                    round(value - before, 1)
                    if value is not None and before is not None
                    else None
                )
            else:
                variation = (
                    round((value - before) * 100.0 / before, 1) if before else None
                )
            kpis.append(
                {
                    "key": key,
                    "label": label,
                    "kind": kind,
                    "value": value,
                    "previous": before,
                    "variation": variation,
                }
            )
        return kpis

    def _by_type(self, by_type):
        """The period's figures by opportunity type, in the types' order:
        what each kind of opportunity brought (seed 003)."""
        rows = []
        for kind, label in (
            self.env["oto.suggestion"]._fields["type"]._description_selection(self.env)
        ):
            current = by_type.get(kind, {}).get("current") or _empty()
            previous = by_type.get(kind, {}).get("previous") or _empty()
            if not any(current.values()) and not any(previous.values()):
                continue
            rows.append(
                {
                    "type": kind,
                    "label": label,
                    # A contact the seller started is done when recorded.
                    "offered": current["offered"],
                    "done": current["done"],
                    "reached": current["reached"],
                    "sales": current["sales"],
                    "revenue": round(current["revenue"], 2),
                    "conversion": _kpi(current, "conversion"),
                    "previous_revenue": round(previous["revenue"], 2),
                }
            )
        return rows

    def _ranking(self, sellers, by_seller):
        """Sellers by revenue from contacts; an equal revenue shares the rank
        (1, 1, 3), listed by sales, then name."""
        rows = []
        for seller in sellers.filtered("active"):
            current = by_seller.get(seller.id, {}).get("current") or _empty()
            rows.append(
                {
                    "seller_id": seller.id,
                    "name": seller.name,
                    "store": seller.store_id.name or "",
                    "revenue": round(current["revenue"], 2),
                    "sales": current["sales"],
                    "conversion": _kpi(current, "conversion"),
                    "engagement": _kpi(current, "engagement"),
                }
            )
        rows.sort(key=lambda row: (-row["revenue"], -row["sales"], row["name"]))
        previous = None
        for position, row in enumerate(rows, start=1):
            key = row["revenue"]
            row["rank"] = previous[1] if previous and previous[0] == key else position
            previous = (key, row["rank"])
        return rows

    def _results_stores(self):
        """The stores a manager (theirs) or a brand admin (all) may narrow the
        results to."""
        role = self._results_role()
        if role == "seller":
            return []
        domain = [("company_id", "=", self.env.company.id)]
        if role == "manager":
            domain.append(("id", "in", self.env["oto.access"]._scope().store_ids))
        stores = self.env["oto.store"].sudo().search(domain)
        return [{"id": store.id, "name": store.name} for store in stores]


def _empty():
    return dict.fromkeys(FIGURES, 0)


def _kpi(figures, key):
    """A KPI from a period's sums; rates in percent, None without a base."""
    if key == "conversion":
        base = figures["reached"]
        return round(figures["converted"] * 100.0 / base, 1) if base else None
    if key == "engagement":
        base = figures["offered"]
        return round(figures["done"] * 100.0 / base, 1) if base else None
    if key == "revenue":
        return round(figures["revenue"], 2)
    return figures[key]
