"""The pipeline: extract -> transform -> load, returning a summary of what happened."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from .extract import read_records
from .load import write_rows
from .transform import clean, daily_totals


@dataclass(frozen=True)
class Summary:
    read: int
    rejected: int
    written: int

    @property
    def reject_ratio(self) -> float:
        return self.rejected / self.read if self.read else 0.0


def run(source: Path, target: Path, rejects: Path | None = None) -> Summary:
    """Aggregate the sales in `source` into daily totals in `target`; rejects go to `rejects`."""
    records = list(read_records(source))
    sales, rejected = clean(records)
    written = write_rows(daily_totals(sales), target)
    if rejects is not None:
        write_rows([asdict(r) for r in rejected], rejects)
    return Summary(read=len(records), rejected=len(rejected), written=written)
