"""The defender's equipment losses in the war of 2022–25, from Oryx's confirmed losses.

What the war model (:mod:`guaranty.models.campaign`) takes from here:

* ``campaign.equipment_loss_share_per_month`` — confirmed losses of ground weapons a month
  (:func:`oryx_losses`: tanks and armoured combat vehicles) over the defender's stock of them;
* the share of those losses captured, and captured or abandoned (reported; the war model
  counts captured weapons among the losses).

Oryx counts only losses confirmed by photo or video (a lower bound), from 24 February 2022 to
the scrape of 19 July 2025 (``data/oryx_losses/SOURCE.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from guaranty._datasets import data_path, read_checked_csv

SHA256 = "1b3ac87ecc1f0ba7eb78f283c924ca3e2f6efbc8e7b70e0ae15b9e2d3cf0f07a"
"""SHA-256 of the shipped ``data/oryx_losses/totals_by_type.csv``."""

START, END = date(2022, 2, 24), date(2025, 7, 19)
"""The invasion and the scrape the totals run to."""

ARMOUR = "Losses of Armoured Combat Vehicles"
"""Prefix of Oryx's row for tanks, AFVs, IFVs, APCs and MRAPs together."""


@dataclass(frozen=True)
class Losses:
    """One side's confirmed losses of one kind of equipment over the war so far."""

    total: int
    captured: int
    abandoned: int
    months: float

    @property
    def per_month(self) -> float:
        return self.total / self.months

    @property
    def captured_share(self) -> float:
        return self.captured / self.total

    @property
    def captured_or_abandoned_share(self) -> float:
        return (self.captured + self.abandoned) / self.total


def oryx_losses(country: str = "Ukraine") -> dict[str, Losses]:
    """``country``'s confirmed losses of tanks and of all armoured combat vehicles."""
    frame = read_checked_csv(
        data_path("oryx_losses", "totals_by_type.csv"), sha256=SHA256,
        columns=("country", "equipment_type", "captured", "abandoned", "type_total"),
        what="Oryx equipment losses", restore="data/oryx_losses/ from the project")
    rows = frame[frame["country"] == country]
    months = (END - START).days / (365.25 / 12)

    def losses(match: str, prefix: bool = False) -> Losses:
        hit = rows[rows["equipment_type"].str.startswith(match) if prefix
                   else rows["equipment_type"] == match]
        if len(hit) != 1:
            raise ValueError(f"Oryx totals must have one {country} row for {match!r}, "
                             f"got {len(hit)}")
        row = hit.iloc[0]
        return Losses(int(row["type_total"]), int(row["captured"]), int(row["abandoned"]),
                      months)

    return {"tanks": losses("Tanks"), "armoured_combat_vehicles": losses(ARMOUR, prefix=True)}
