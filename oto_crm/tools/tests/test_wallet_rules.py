from datetime import date, datetime, timedelta

import pytest

from oto_crm.tools.wallet_rules import (
    Purchase,
    balanced_slots,
    choose_store,
    code_key,
    elect_seller,
    election_order,
    local_day,
    parse_criteria,
    preferred,
    recent_visits,
)

NOW = datetime(2026, 11, 23, 12, 0)
START = NOW - timedelta(days=365)
CODES = {100: "A", 200: "B"}
D = datetime(2026, 11, 1, 12, 0)


def day(n, hour=12):
    return D - timedelta(days=n) + timedelta(hours=hour - 12)


def test_seller_counts_once_per_day_and_store():
    purchases = [
        Purchase(1, 10, 100, day(0, 10), 50),
        Purchase(1, 10, 100, day(0, 15), 50),
        Purchase(1, 10, 100, day(0, 17), 50),
        Purchase(1, 10, 200, day(3), 50),
        Purchase(1, 10, 200, day(5), 50),
    ]
    recent = recent_visits(purchases, 1, 10, START, 5)
    assert [s for s, _d in recent] == [100, 200, 200]
    assert elect_seller(recent, {100, 200}, {100: "A", 200: "B"}) == 200


def test_only_the_last_visits_count():
    purchases = [Purchase(1, 10, 100, day(n), 10) for n in (10, 11, 12)]
    purchases += [Purchase(1, 10, 200, day(n), 10) for n in (1, 2)]
    # with 3 visits considered: 200, 200, 100 -> 200
    assert (
        elect_seller(recent_visits(purchases, 1, 10, START, 3), {100, 200}, CODES)
        == 200
    )
    # with 5: 100 has 3 of 5
    assert (
        elect_seller(recent_visits(purchases, 1, 10, START, 5), {100, 200}, CODES)
        == 100
    )


def test_ties_most_recent_sale_then_lowest_code():
    recent = [
        (200, day(1)),
        (100, day(2)),
        (200, day(4)),
        (100, day(5)),
    ]
    codes = {100: "A", 200: "B"}
    assert elect_seller(recent, {100, 200}, codes) == 200
    # The same day: the later sale wins (the time, not the day, breaks the tie).
    same_day = [(200, day(1, hour=15)), (100, day(1, hour=11))]
    assert elect_seller(same_day, {100, 200}, codes) == 200
    assert elect_seller(same_day, {100, 200}, {100: "Z", 200: "B"}) == 200
    # The same moment: the lowest code.
    same_time = [(200, day(1)), (100, day(1))]
    assert elect_seller(same_time, {100, 200}, codes) == 100
    assert elect_seller(same_time, {100, 200}, {100: "Z", 200: "B"}) == 200


def test_code_order_is_code_points_whatever_the_collation():
    # A linguistic collation ignores '-' and case and puts 'É' next to 'E';
    # code points do not: digits < capitals < small letters < accented.
    codes = ["b", "A-2", "A1", "É1", "a", "E2", "_z", "Z"]
    assert sorted(codes, key=code_key) == ["A-2", "A1", "E2", "Z", "_z", "a", "b", "É1"]
    ranked = election_order([(1, day(1)), (2, day(1))], {1: "a", 2: "Z"})
    assert ranked == [2, 1]


def test_same_day_is_the_brand_day_not_the_utc_day():
    # 23:30 and 00:30 in Sao Paulo (UTC-3) are two days there, one in UTC:
    # 02:30 and 03:30 UTC of the same UTC day.
    late = datetime(2026, 3, 11, 2, 30)  # 10 March, 23:30 local
    early = datetime(2026, 3, 11, 3, 30)  # 11 March, 00:30 local
    assert local_day(late) == date(2026, 3, 10)
    assert local_day(early) == date(2026, 3, 11)
    assert late.date() == early.date()
    purchases = [Purchase(1, 10, 100, late, 10), Purchase(1, 10, 100, early, 10)]
    assert len(recent_visits(purchases, 1, 10, START, 5)) == 2
    assert len(recent_visits(purchases, 1, 10, START, 5, tz="UTC")) == 1
    # Two visits of 100 against two of 200 (one day each in UTC).
    purchases += [
        Purchase(1, 10, 200, datetime(2026, 3, 9, 15), 10),
        Purchase(1, 10, 200, datetime(2026, 3, 8, 15), 10),
    ]
    ranked = election_order(recent_visits(purchases, 1, 10, START, 5), CODES)
    assert ranked == [100, 200]


def test_window_edge():
    purchases = [
        Purchase(1, 10, 100, START, 10),
        Purchase(1, 10, 200, START - timedelta(seconds=1), 10),
    ]
    assert recent_visits(purchases, 1, 10, START, 5) == [(100, START)]


@pytest.mark.parametrize(
    "criteria, expected",
    [
        ("count,amount,recent", 10),
        ("amount,count,recent", 20),
        ("recent,count,amount", 30),
    ],
)
def test_store_criteria(criteria, expected):
    stats = {
        10: (5, 500.0, day(30)),
        20: (2, 900.0, day(20)),
        30: (1, 100.0, day(1)),
    }
    assert choose_store(stats, parse_criteria(criteria), {}) == expected


def test_store_ties_go_to_store_order():
    stats = {10: (2, 100.0, day(1)), 20: (2, 100.0, day(1))}
    assert (
        choose_store(stats, parse_criteria("count,amount,recent"), {10: 2, 20: 1}) == 20
    )


def test_parse_criteria_refuses_garbage():
    with pytest.raises(ValueError):
        parse_criteria("count,count,recent")
    with pytest.raises(ValueError):
        parse_criteria("")


def test_preferred_seller_must_work_at_the_store():
    purchases = [Purchase(1, 10, 100, day(n), 10) for n in (1, 2, 3)]
    purchases.append(Purchase(1, 10, 200, day(4), 10))
    sellers = {100: ("A", 20, True), 200: ("B", 10, True)}  # 100 moved to store 20
    stores = {10: (1, True), 20: (2, True)}
    assert preferred(
        purchases, 1, START, parse_criteria("count,amount,recent"), 5, sellers, stores
    ) == (10, 200)


def test_balanced_slots_by_free_capacity():
    customers = list(range(1, 8))
    sellers = [(1, "A", 10, 0), (2, "B", 8, 0), (3, "C", 9, 10)]
    placed, left = balanced_slots(customers, sellers)
    assert not left
    loads = {1: 10, 2: 8, 3: 9}
    for seller in placed.values():
        loads[seller] += 1
    assert loads == {1: 12, 2: 12, 3: 10}  # C stops at capacity 10
    assert max(loads[1], loads[2]) - min(loads[1], loads[2]) <= 1


def test_balanced_slots_when_everyone_is_full():
    placed, left = balanced_slots([1, 2, 3], [(1, "A", 5, 5), (2, "B", 3, 4)])
    assert placed == {1: 2}
    assert left == [2, 3]
