"""Loaders refuse missing or altered files, and the spells have the published sizes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from guaranty.errors import DataError
from guaranty.history.data import (
    AGREEMENTS,
    FORTNA,
    TERMINATION_CONFLICT,
    TERMINATION_DYAD,
    read_table,
)
from guaranty.history.spells import agreement_spells, fortna_spells, termination_spells


@pytest.mark.parametrize(
    ("file", "rows"),
    [(FORTNA, 192), (TERMINATION_CONFLICT, 2506), (TERMINATION_DYAD, 3140), (AGREEMENTS, 374)],
)
def test_shipped_files_load_with_their_row_counts(file, rows) -> None:
    frame = read_table(file)
    assert len(frame) == rows
    assert set(file.columns) <= set(frame.columns)
    assert (file.path.parent / "SOURCE.md").is_file()


def test_missing_file_says_where_it_should_be(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"not found.*data/fortna_peacekeeping"):
        read_table(FORTNA, path=tmp_path / "pk_pkept.csv")


def test_altered_bytes_fail_the_checksum(tmp_path: Path) -> None:
    copy = tmp_path / "pk_pkept.csv"
    shutil.copy(FORTNA.path, copy)
    text = copy.read_text()
    copy.write_text(text.replace("Afghanistan-Mujahideen", "Afghanistan-Mujahidin", 1))
    with pytest.raises(DataError, match=r"SHA-256 .* altered"):
        read_table(FORTNA, path=copy)


def test_dropped_column_is_named(tmp_path: Path) -> None:
    copy = tmp_path / "pk_pkept.csv"
    lines = FORTNA.path.read_text().splitlines()
    copy.write_text("\n".join([lines[0].replace("pk_dum,", "pk_dummy,", 1), *lines[1:]]))
    with pytest.raises(DataError, match=r"missing column\(s\) pk_dum"):
        read_table(FORTNA, path=copy)


def test_value_of_wrong_kind_gives_line_and_column(tmp_path: Path) -> None:
    copy = tmp_path / "pk_pkept.csv"
    lines = FORTNA.path.read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("_t")] = "soon"
    copy.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]))
    with pytest.raises(DataError, match=r"pk_pkept.csv:2: column '_t' must hold int"):
        read_table(FORTNA, path=copy)


def test_fortna_spells_match_the_published_sample() -> None:
    frame = fortna_spells()
    assert frame["spell"].nunique() == 153
    assert int(frame["failed"].sum()) == 82
    assert (frame["year"].min(), frame["year"].max()) == (1947, 1999)
    assert (frame["stop"] > frame["start"]).all()
    # One mission type per period: observers and armed missions never overlap.
    assert not ((frame["monitors"] == 1) & (frame["peacekeepers"] == 1)).any()
    # Fortna's pk_dum is exactly "observers or armed mission".
    assert ((frame["monitors"] + frame["peacekeepers"]) == frame["peacekeeping"]).all()


def test_ucdp_spells() -> None:
    episodes = termination_spells()
    assert len(episodes) == 525
    inter = episodes[episodes["kind"] == "interstate"]
    assert (len(inter), int(inter["failed"].sum())) == (69, 23)
    assert (episodes["months"] > 0).all()
    agreements = agreement_spells()
    assert (len(agreements), int(agreements["failed"].sum())) == (368, 128)
