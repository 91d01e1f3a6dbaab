"""The wallet rules in plain Python: the reference the SQL engine must match.

The engine (``oto.wallet.engine``) applies these rules set-based in SQL for
speed; tests run both on the same purchases and compare. Every function takes
plain values and returns plain values.

Rules (defaults, each a company setting):
- only purchases of the last ``window_months`` count;
- the preferred store is chosen by the brand's criteria order among: most
  purchases (``count``), highest value (``amount``), most recent (``recent``);
  then the store's sequence, then its id;
- within that store, the customer's ``orders_considered`` most recent visits
  elect the seller, a visit being one (brand day, seller) at the store: a
  seller counts once per day and store, a day being the brand's local day
  (its time zone), never the UTC one; most visits wins, then the most recent
  sale (its time, not its day), then the lowest seller code (``code_key``),
  then the lowest seller id; a seller who is inactive or now works at another
  store never wins, and the next one by the same rules does.

Times are naive UTC datetimes, as Odoo stores them.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

CRITERIA = ("count", "amount", "recent")
DEFAULT_TIMEZONE = "America/Sao_Paulo"


def local_day(at, tz=DEFAULT_TIMEZONE) -> date:
    """The day of ``at`` (naive UTC) in the time zone ``tz``."""
    return at.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(tz)).date()


def code_key(code):
    """The order of seller codes for the last tie-break: Unicode code point
    by code point (Python's order of ``str``; PostgreSQL's ``COLLATE "C"``
    on UTF-8, the same as byte order), whatever the database's collation:
    digits before capitals before small letters, accented letters after
    ``z``, ``-`` and ``_`` compared like any other character."""
    return code or ""


@dataclass(frozen=True)
class Purchase:
    partner: int
    store: int | None
    seller: int | None
    at: datetime
    amount: float

    def day(self, tz=DEFAULT_TIMEZONE) -> date:
        return local_day(self.at, tz)


def parse_criteria(text):
    """``'count,amount,recent'`` -> ``('count', 'amount', 'recent')``."""
    parts = tuple(p.strip() for p in (text or "").split(","))
    if sorted(parts) != sorted(CRITERIA):
        raise ValueError(f"criteria must order {CRITERIA}, got {text!r}")
    return parts


def store_stats(purchases, window_start, until=None):
    """{(partner, store): (count, amount, last purchase)} in the window
    (purchases from ``window_start`` up to ``until``, both included)."""
    stats = {}
    for p in purchases:
        if p.store is None or p.partner is None or p.at < window_start:
            continue
        if until is not None and p.at > until:
            continue
        count, amount, last = stats.get((p.partner, p.store), (0, 0.0, None))
        stats[(p.partner, p.store)] = (
            count + 1,
            amount + p.amount,
            p.at if last is None or p.at > last else last,
        )
    return stats


def _seconds(at):
    return (at - datetime(1970, 1, 1)).total_seconds()


def recent_visits(
    purchases, partner, store, window_start, keep, tz=DEFAULT_TIMEZONE, until=None
):
    """(seller, time) of the ``keep`` most recent visits (one per brand day
    and seller, at the time of its last sale) of ``partner`` at ``store``,
    most recent first (visits at the same time: lowest seller id first)."""
    visits = {}
    for p in purchases:
        if p.partner != partner or p.store != store or p.seller is None:
            continue
        if p.at < window_start or (until is not None and p.at > until):
            continue
        key = (p.day(tz), p.seller)
        if key not in visits or p.at > visits[key]:
            visits[key] = p.at
    ordered = sorted(visits.items(), key=lambda kv: (-_seconds(kv[1]), kv[0][1]))
    return [(seller, at) for (_day, seller), at in ordered[:keep]]


def election_order(recent, codes):
    """The sellers of ``recent`` visits, (seller, time) pairs, ranked for
    election: most visits, then the most recent sale, then the lowest code
    (``code_key``), then the lowest id."""
    votes = defaultdict(lambda: [0, None])
    for seller, at in recent:
        votes[seller][0] += 1
        if votes[seller][1] is None or at > votes[seller][1]:
            votes[seller][1] = at
    return sorted(
        votes,
        key=lambda s: (
            -votes[s][0],
            -_seconds(votes[s][1]),
            code_key(codes.get(s)),
            s,
        ),
    )


def elect_seller(recent, eligible, codes):
    """The preferred seller among ``recent`` visits: the first of
    ``election_order`` who is ``eligible`` (active, at the store). Votes
    are counted among all the recent visits: an ineligible seller's visits
    are not given to anyone else."""
    return next((s for s in election_order(recent, codes) if s in eligible), None)


def choose_store(pair_stats, criteria, store_order):
    """The preferred store from {store: (count, amount, last)}.

    ``store_order``: {store: rank} for the final tie-break (store sequence).
    """
    if not pair_stats:
        return None

    def key(store):
        count, amount, last = pair_stats[store]
        values = {
            "count": -count,
            "amount": -round(amount, 2),
            "recent": -_seconds(last),
        }
        return (*(values[c] for c in criteria), store_order.get(store, 0), store)

    return min(pair_stats, key=key)


def preferred(
    purchases,
    partner,
    window_start,
    criteria,
    keep,
    sellers,
    stores,
    tz=DEFAULT_TIMEZONE,
    until=None,
):
    """(store, seller) preferred for ``partner``.

    ``sellers``: {id: (code, store, active)}; ``stores``: {id: (rank, active)}.
    """
    stats = {
        store: values
        for (p, store), values in store_stats(purchases, window_start, until).items()
        if p == partner and stores.get(store, (0, False))[1]
    }
    store = choose_store(stats, criteria, {s: v[0] for s, v in stores.items()})
    if store is None:
        return None, None
    recent = recent_visits(purchases, partner, store, window_start, keep, tz, until)
    eligible = {
        s for s, (_code, st, active) in sellers.items() if active and st == store
    }
    seller = elect_seller(recent, eligible, {s: v[0] for s, v in sellers.items()})
    return store, seller


def balanced_slots(customers, sellers):
    """Spread ``customers`` over ``sellers`` by free capacity.

    ``sellers``: list of (id, code, current wallet size, capacity; 0 = no
    limit). The least loaded seller gets the next customer (ties: lowest
    code, ``code_key``, then id); a seller at capacity gets no more.
    Returns ({customer: seller}, [customers left without a seller]).
    """
    slots = []
    for seller, code, current, capacity in sellers:
        free = len(customers) if not capacity else max(capacity - current, 0)
        slots += [(current + k, code_key(code), seller) for k in range(1, free + 1)]
    slots.sort()
    placed = {c: s for c, (_load, _code, s) in zip(customers, slots, strict=False)}
    return placed, list(customers[len(slots) :])
