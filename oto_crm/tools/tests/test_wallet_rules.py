from datetime import datetime, timedelta

import pytest

from oto_crm.tools.wallet_rules import (
    Purchase,
    balanced_slots,
    choose_store,
    elect_seller,
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


def test_ties_most_recent_day_then_lowest_code():
    recent = [
        (200, day(1).date()),
        (100, day(2).date()),
        (200, day(4).date()),
        (100, day(5).date()),
    ]
    codes = {100: "A", 200: "B"}
    assert elect_seller(recent, {100, 200}, codes) == 200
    same_day = [(200, day(1).date()), (100, day(1).date())]
    assert elect_seller(same_day, {100, 200}, codes) == 100
    assert elect_seller(same_day, {100, 200}, {100: "Z", 200: "B"}) == 200


def test_inactive_seller_never_wins():
    recent = [(100, day(1).date()), (100, day(2).date()), (200, day(3).date())]
    assert elect_seller(recent, {200}, {100: "A", 200: "B"}) == 200
    assert elect_seller(recent, set(), {}) is None


def test_window_edge():
    purchases = [
        Purchase(1, 10, 100, START, 10),
        Purchase(1, 10, 200, START - timedelta(seconds=1), 10),
    ]
    assert recent_visits(purchases, 1, 10, START, 5) == [(100, START.date())]


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
