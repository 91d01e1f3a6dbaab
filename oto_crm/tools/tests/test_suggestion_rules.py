from datetime import date

import pytest

from oto_crm.tools.suggestion_rules import (
    TemplateError,
    birthday_keys,
    first_name,
    in_holdout,
    render_template,
    smart_interval,
    template_placeholders,
)


def test_placeholders_are_listed_in_order():
    text = "Oi {first_name}, aqui é {seller} da {store}: {seller_link}"
    assert template_placeholders(text) == [
        "first_name",
        "seller",
        "store",
        "seller_link",
    ]


@pytest.mark.parametrize(
    "text, culprit",
    [
        ("Oi {nome}", "nome"),
        ("Oi {first_name!r}", "first_name"),
        ("{seller:>10}", "seller"),
    ],
)
def test_unknown_or_formatted_placeholder_is_refused(text, culprit):
    with pytest.raises(TemplateError) as info:
        template_placeholders(text)
    assert info.value.placeholder == culprit


@pytest.mark.parametrize("text", ["Oi {first_name", "Oi }"])
def test_malformed_template_is_refused(text):
    with pytest.raises(TemplateError):
        template_placeholders(text)


def test_render_fills_and_blanks_missing_values():
    text = "Oi {first_name}! {seller} ({store}) {{promo}}"
    rendered = render_template(text, {"first_name": "Ana", "seller": "Bia"})
    assert rendered == "Oi Ana! Bia () {promo}"


def test_first_name():
    assert first_name("  Maria   da Silva ") == "Maria"
    assert first_name("") == ""
    assert first_name(None) == ""


def test_holdout_is_stable_and_close_to_its_share():
    decisions = [in_holdout(7, partner, 10) for partner in range(20000)]
    assert decisions == [in_holdout(7, partner, 10) for partner in range(20000)]
    share = sum(decisions) / len(decisions)
    assert 0.09 < share < 0.11
    assert not any(in_holdout(7, partner, 0) for partner in range(1000))
    assert all(in_holdout(7, partner, 100) for partner in range(1000))
    # Another campaign holds out other customers.
    other = [in_holdout(8, partner, 10) for partner in range(20000)]
    assert decisions != other


def test_smart_interval_from_cycle_then_contacts():
    base = smart_interval(purchase_count=12, window_days=365, answered=0, unanswered=0)
    assert base.days == 30
    assert base.reasons == (("cycle", 30),)
    shorter = smart_interval(12, 365, answered=2, unanswered=0)
    assert shorter.days == 19  # 30.4 * 0.8 ** 2
    longer = smart_interval(12, 365, answered=0, unanswered=1)
    assert longer.days == 38
    assert longer.reasons[-1] == ("unanswered", 1)


def test_smart_interval_bounds_and_default():
    assert smart_interval(0, 365, 0, 0).days == 21
    assert smart_interval(0, 365, 0, 0).reasons == (("default", 21),)
    many = smart_interval(200, 365, 3, 0, minimum=7, maximum=60)
    assert many.days == 7
    assert many.reasons[-1] == ("bounded", 7)
    rare = smart_interval(1, 365, 0, 4, minimum=7, maximum=60)
    assert rare.days == 60
    with pytest.raises(ValueError):
        smart_interval(1, 365, 0, 0, minimum=10, maximum=5)


def test_birthday_keys_cross_the_year_and_leap_day():
    assert birthday_keys(date(2026, 12, 30), 3) == ["1230", "1231", "0101", "0102"]
    assert birthday_keys(date(2026, 2, 27), 1) == ["0227", "0228", "0229"]
    assert birthday_keys(date(2028, 2, 28), 1) == ["0228", "0229"]
    assert birthday_keys(date(2026, 5, 1), 0) == ["0501"]
