"""The wallet rules in plain Python: the reference the SQL engine must match.

The engine (``oto.wallet.engine``) applies these rules set-based in SQL for
speed; tests run both on the same purchases and compare. Every function takes
plain values and returns plain values.

Rules (defaults, each a company setting):
- only purchases of the last ``window_months`` count;
- the preferred store is chosen by the brand's criteria order among: most
  purchases (``count``), highest value (``amount``), most recent (``recent``);
- within that store, the customer's ``orders_considered`` most recent visits
  elect the seller, a visit being one (day, seller) at the store: a seller
  counts once per day and store; most visits wins, then the most recent,
  then the lowest seller code; a seller who is inactive or now works at
  another store never wins, and the next one by the same rules does.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

CRITERIA = ("count", "amount", "recent")


@dataclass(frozen=True)
class Purchase:
    partner: int
    store: int | None
    seller: int | None
    at: datetime
    amount: float

    @property
    def day(self) -> date:
        return self.at.date()


def parse_criteria(text):
    """``'count,amount,recent'`` -> ``('count', 'amount', 'recent')``."""
    parts = tuple(p.strip() for p in (text or "").split(","))
    if sorted(parts) != sorted(CRITERIA):
        raise ValueError(f"criteria must order {CRITERIA}, got {text!r}")
    return parts


def store_stats(purchases, window_start):
    """{(partner, store): (count, amount, last purchase)} in the window."""
    stats = {}
    for p in purchases:
        if p.store is None or p.at < window_start:
            continue
        count, amount, last = stats.get((p.partner, p.store), (0, 0.0, None))
        stats[(p.partner, p.store)] = (
            count + 1,
            amount + p.amount,
            p.at if last is None or p.at > last else last,
        )
    return stats


def recent_visits(purchases, partner, store, window_start, keep):
    """(seller, day) of the ``keep`` most recent visits (one per day and
    seller) of ``partner`` at ``store``, most recent first."""
    visits = {}
    for p in purchases:
        if p.partner != partner or p.store != store or p.seller is None:
            continue
        if p.at < window_start:
            continue
        key = (p.day, p.seller)
        if key not in visits or p.at > visits[key]:
            visits[key] = p.at
    ordered = sorted(visits.items(), key=lambda kv: (-kv[1].timestamp(), kv[0][1]))
    return [(seller, day) for (day, seller), _at in ordered[:keep]]


def elect_seller(recent, eligible, codes):
    """The preferred seller among ``recent`` visits, (seller, day) pairs:
    most visits, then the most recent sale day, then the lowest code; only
    ``eligible`` sellers."""
    votes = defaultdict(lambda: [0, None])
    for seller, day in recent:
        if seller not in eligible:
            continue
        votes[seller][0] += 1
        if votes[seller][1] is None or day > votes[seller][1]:
            votes[seller][1] = day
    if not votes:
        return None
    return min(votes, key=lambda s: (-votes[s][0], -votes[s][1].toordinal(), codes[s]))


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
            "recent": -last.timestamp(),
        }
        return (*(values[c] for c in criteria), store_order.get(store, 0), store)

    return min(pair_stats, key=key)


def preferred(purchases, partner, window_start, criteria, keep, sellers, stores):
    """(store, seller) preferred for ``partner``.

    ``sellers``: {id: (code, store, active)}; ``stores``: {id: (rank, active)}.
    """
    stats = {
        store: values
        for (p, store), values in store_stats(purchases, window_start).items()
        if p == partner and stores.get(store, (0, False))[1]
    }
    store = choose_store(stats, criteria, {s: v[0] for s, v in stores.items()})
    if store is None:
        return None, None
    recent = recent_visits(purchases, partner, store, window_start, keep)
    eligible = {
        s for s, (_code, st, active) in sellers.items() if active and st == store
    }
    seller = elect_seller(recent, eligible, {s: v[0] for s, v in sellers.items()})
    return store, seller


def balanced_slots(customers, sellers):
    """Spread ``customers`` over ``sellers`` by free capacity.

    ``sellers``: list of (id, code, current wallet size, capacity; 0 = no
    limit). The least loaded seller gets the next customer (ties: lowest
    code); a seller at capacity gets no more. Returns ({customer: seller},
    [customers left without a seller]).
    """
    slots = []
    for seller, code, current, capacity in sellers:
        free = len(customers) if not capacity else max(capacity - current, 0)
        slots += [(current + k, code, seller) for k in range(1, free + 1)]
    slots.sort()
    placed = {c: s for c, (_load, _code, s) in zip(customers, slots, strict=False)}
    return placed, list(customers[len(slots) :])
