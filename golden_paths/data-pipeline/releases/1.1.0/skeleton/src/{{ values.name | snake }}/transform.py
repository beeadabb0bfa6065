"""Transform: validate raw sales records, reject bad ones with a reason, de-duplicate by order
id, and aggregate revenue per day and region with exact decimal arithmetic."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Sale:
    order_id: str
    day: date
    region: str
    amount: Decimal


@dataclass(frozen=True)
class Reject:
    record: int  # 1-based position in the input
    reason: str


def parse(raw: Mapping[str, Any]) -> Sale:
    """One valid Sale from a raw record; raises ValueError naming what is wrong."""
    order_id = str(raw.get("order_id") or "").strip()
    if not order_id:
        raise ValueError("order_id is missing")
    try:
        day = date.fromisoformat(str(raw.get("date") or "").strip())
    except ValueError:
        raise ValueError(f"date {raw.get('date')!r} is not YYYY-MM-DD") from None
    region = str(raw.get("region") or "").strip().lower()
    if not region:
        raise ValueError("region is missing")
    try:
        amount = Decimal(str(raw.get("amount")).strip())
    except InvalidOperation:
        raise ValueError(f"amount {raw.get('amount')!r} is not a number") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"amount {raw.get('amount')!r} must be a non-negative number")
    return Sale(order_id, day, region, amount.quantize(CENT))


def clean(records: Iterable[Mapping[str, Any]]) -> tuple[list[Sale], list[Reject]]:
    """Valid sales (the first of each order id wins) and the rejects, in input order."""
    sales: list[Sale] = []
    rejects: list[Reject] = []
    seen: set[str] = set()
    for number, raw in enumerate(records, start=1):
        try:
            sale = parse(raw)
        except ValueError as exc:
            rejects.append(Reject(number, str(exc)))
            continue
        if sale.order_id in seen:
            rejects.append(Reject(number, f"duplicate order_id {sale.order_id!r}"))
            continue
        seen.add(sale.order_id)
        sales.append(sale)
    return sales, rejects


def daily_totals(sales: Iterable[Sale]) -> list[dict[str, Any]]:
    """One row per (day, region), sorted; revenue is a string so no precision is lost."""
    orders: dict[tuple[date, str], int] = defaultdict(int)
    revenue: dict[tuple[date, str], Decimal] = defaultdict(Decimal)
    for sale in sales:
        key = (sale.day, sale.region)
        orders[key] += 1
        revenue[key] += sale.amount
    rows = []
    for day, region in sorted(orders):
        key = (day, region)
        rows.append(
            {
                "day": day.isoformat(),
                "region": region,
                "orders": orders[key],
                "revenue": str(revenue[key].quantize(CENT)),
            }
        )
    return rows
