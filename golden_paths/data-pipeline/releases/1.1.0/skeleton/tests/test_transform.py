"""Transform: validation, rejects, de-duplication and exact daily totals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from {{ values.name | snake }}.transform import Reject, Sale, clean, daily_totals, parse

GOOD = {"order_id": "A-1", "date": "2024-03-01", "region": " EMEA ", "amount": "10.5"}


def test_parse_normalises_a_good_record() -> None:
    assert parse(GOOD) == Sale("A-1", date(2024, 3, 1), "emea", Decimal("10.50"))


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"order_id": ""}, "order_id is missing"),
        ({"date": "01/03/2024"}, "is not YYYY-MM-DD"),
        ({"region": None}, "region is missing"),
        ({"amount": "ten"}, "is not a number"),
        ({"amount": "-1"}, "non-negative"),
        ({"amount": "NaN"}, "non-negative"),
    ],
)
def test_parse_names_what_is_wrong(change: dict[str, Any], reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse({**GOOD, **change})


def test_clean_rejects_bad_and_duplicate_records_in_order() -> None:
    records = [GOOD, {**GOOD, "amount": "x"}, {**GOOD, "amount": "99"}, {**GOOD, "order_id": "A-2"}]
    sales, rejects = clean(records)
    assert [s.order_id for s in sales] == ["A-1", "A-2"]
    assert rejects == [
        Reject(2, "amount 'x' is not a number"),
        Reject(3, "duplicate order_id 'A-1'"),
    ]


def test_daily_totals_are_exact_and_sorted() -> None:
    sales = [
        Sale("1", date(2024, 3, 2), "amer", Decimal("0.10")),
        Sale("2", date(2024, 3, 2), "amer", Decimal("0.20")),
        Sale("3", date(2024, 3, 1), "emea", Decimal("5.00")),
    ]
    assert daily_totals(sales) == [
        {"day": "2024-03-01", "region": "emea", "orders": 1, "revenue": "5.00"},
        {"day": "2024-03-02", "region": "amer", "orders": 2, "revenue": "0.30"},
    ]


def test_daily_totals_of_nothing() -> None:
    assert daily_totals([]) == []
