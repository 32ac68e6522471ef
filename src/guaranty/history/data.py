"""Loaders for the shipped cease-fire data: checked for presence, columns, types and checksum.

Each shipped file is described by a :class:`DataFile` (folder, name, SHA-256, the columns the
models read and their kinds). :func:`read_table` refuses a file that is missing, lacks a column,
holds a value of the wrong kind or whose bytes differ from the shipped copy, and says how to fix it.

References
----------
Fortna, V. P. (2008). *Does Peacekeeping Work? Shaping Belligerents' Choices after Civil War*.
Princeton University Press. https://doi.org/10.1515/9781400837731
Kreutz, J. (2010). How and when armed conflicts end: Introducing the UCDP Conflict Termination
dataset. *Journal of Peace Research* 47(2), 243-250. https://doi.org/10.1177/0022343309353108
Pettersson, T., Högbladh, S. & Öberg, M. (2019). Organized violence, 1989-2018 and peace
agreements. *Journal of Peace Research* 56(4), 589-603. https://doi.org/10.1177/0022343319856046
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import pandas as pd

from guaranty._datasets import data_path
from guaranty.errors import DataError

Kind = Literal["int", "float", "str", "date"]

__all__ = [
    "AGREEMENTS",
    "FORTNA",
    "TERMINATION_CONFLICT",
    "TERMINATION_DYAD",
    "DataFile",
    "load_agreements",
    "load_fortna",
    "load_termination",
    "read_table",
]


@dataclass(frozen=True)
class DataFile:
    """A shipped data file and what the models expect of it.

    Parameters
    ----------
    folder, name : str
        Location under ``data/`` (``data/<folder>/<name>``).
    sha256 : str
        Hex digest of the shipped bytes; any edit to the file changes it.
    columns : Mapping[str, Kind]
        The columns the models read, each with its kind: ``int`` (whole numbers, no gaps),
        ``float`` (numbers, gaps allowed), ``str`` or ``date`` (ISO dates, gaps allowed).
    citation : str
        Whom to cite; repeated in the folder's SOURCE.md.
    """

    folder: str
    name: str
    sha256: str
    columns: Mapping[str, Kind]
    citation: str

    @property
    def path(self) -> Path:
        """Where the shipped copy lives (installed package or checkout)."""
        return data_path(self.folder, self.name)

    @property
    def label(self) -> str:
        """``data/<folder>/<name>``, for messages."""
        return f"data/{self.folder}/{self.name}"


FORTNA = DataFile(
    folder="fortna_peacekeeping",
    name="pk_pkept.csv",
    sha256="54f78fd46078fe3b455457b935b9c40db3fde64526892e81aaefc8571d1de6dd",
    columns={
        "id": "float",
        "cname": "str",
        "cfdate": "date",
        "drop": "float",
        "_t0": "int",
        "_t": "int",
        "_d": "int",
        "pk_dum": "float",
        "pkop": "float",
        "outcome": "int",
        "victory": "float",
        "treaty": "float",
        "truce": "float",
        "logdead": "float",
        "wartype": "int",
        "wardur": "float",
        "faction": "int",
        "pcw": "int",
    },
    citation="Fortna, V. P. (2008). Does Peacekeeping Work? Princeton University Press.",
)

TERMINATION_CONFLICT = DataFile(
    folder="ucdp_conflict_termination",
    name="ucdp-term-acd-3-2021.csv",
    sha256="f896b0724fd6b91df4aa9600208c83b64ccf03a34f2ea5f566fe3c08e27e1a98",
    columns={
        "conflictep_id": "int",
        "conflictepisode": "int",
        "conflict_id": "int",
        "type_of_conflict2": "int",
        "confterm": "int",
        "ependdate": "date",
        "outcome": "float",
        "year": "int",
        "location": "str",
        "incompatibility": "int",
        "intensity_level": "int",
        "start_date2": "date",
    },
    citation="Kreutz, J. (2010). How and when armed conflicts end. JPR 47(2).",
)

TERMINATION_DYAD = DataFile(
    folder="ucdp_conflict_termination",
    name="ucdp-term-dyad-3-2021.csv",
    sha256="65e801c057b0dc5aa037d0620c5bbfc42ebbd90376c694386b603ef6a73fb53e",
    columns={
        "dyadep_id": "float",
        "conflict_id": "int",
        "dyad_id": "int",
        "year": "int",
        "cfiredate": "str",
        "peagdate": "str",
    },
    citation="Kreutz, J. (2010). How and when armed conflicts end. JPR 47(2).",
)

AGREEMENTS = DataFile(
    folder="ucdp_peace_agreements",
    name="ucdp-peace-agreements-221.csv",
    sha256="62af4108eb35d4aa8c8886f0e07bd0f4f884785183f53f51aefea86c889305d9",
    columns={
        "paid": "int",
        "conflict_id": "str",
        "pa_name": "str",
        "pa_date": "date",
        "duration": "date",
        "ended": "str",
        "pa_3rd": "str",
        "pa_type": "int",
        "cease": "int",
        "pko": "int",
        "withd": "int",
        "co_impl": "int",
    },
    citation="Pettersson, Högbladh & Öberg (2019). JPR 56(4); UCDP Peace Agreement Dataset v22.1.",
)

_MISSING = [".", ""]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_column(frame: pd.DataFrame, column: str, kind: Kind, label: str) -> pd.Series:
    raw = frame[column]
    if kind == "str":
        return raw.astype("string")
    if kind == "date":
        parsed = pd.to_datetime(raw, errors="coerce")
        bad = raw.notna() & parsed.isna()
    else:
        parsed = pd.to_numeric(raw, errors="coerce")
        bad = raw.notna() & parsed.isna()
        if kind == "int":
            bad |= parsed.isna() | (parsed.round() != parsed)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(
            f"{label}:{row + 2}: column {column!r} must hold {kind} values, "
            f"got {raw.iloc[row]!r}; restore the shipped file (git checkout -- {label})"
        )
    if kind == "int":
        return parsed.astype("int64")
    return parsed


def read_table(file: DataFile, *, path: Path | None = None) -> pd.DataFrame:
    """Read a shipped CSV after checking that it is present, complete and unaltered.

    Parameters
    ----------
    file : DataFile
        What the file must hold.
    path : Path, optional
        Read this copy instead of the shipped one (it must still match the checksum).

    Returns
    -------
    DataFrame
        The file, with the columns in ``file.columns`` converted to their kinds.

    Raises
    ------
    DataError
        The file is missing, lacks a column, holds a value of the wrong kind, or its SHA-256
        differs from the shipped copy's.
    """
    where = Path(path) if path is not None else file.path
    label = str(where) if path is not None else file.label
    if not where.is_file():
        raise DataError(
            f"{label}: data file not found (expected {file.name}, shipped under "
            f"data/{file.folder}/); restore it from git or reinstall guaranty"
        )
    frame = pd.read_csv(where, na_values=_MISSING, keep_default_na=True, low_memory=False)
    missing = [c for c in file.columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"{label}: missing column(s) {', '.join(missing)}; the models need "
            f"{', '.join(file.columns)}. Restore the shipped file (git checkout -- {file.label})"
        )
    for column, kind in file.columns.items():
        frame[column] = _check_column(frame, column, kind, label)
    digest = _sha256(where)
    if digest != file.sha256:
        raise DataError(
            f"{label}: SHA-256 is {digest[:16]}…, expected {file.sha256[:16]}… - the file was "
            f"altered. Restore it (git checkout -- {file.label}); if the data were updated on "
            "purpose, update the checksum in guaranty/history/data.py and its SOURCE.md"
        )
    return frame


_FILES = {f.name: f for f in (FORTNA, TERMINATION_CONFLICT, TERMINATION_DYAD, AGREEMENTS)}


@cache
def _cached(name: str) -> pd.DataFrame:
    return read_table(_FILES[name])


def load_fortna() -> pd.DataFrame:
    """Fortna's civil-war cease-fire spells, one row per spell period (192 rows, 107 columns)."""
    return _cached(FORTNA.name).copy()


def load_termination(level: Literal["conflict", "dyad"] = "conflict") -> pd.DataFrame:
    """UCDP Conflict Termination v3-2021, conflict-year (2,506) or dyad-year (3,140) rows."""
    if level not in ("conflict", "dyad"):
        raise DataError(f"level must be 'conflict' or 'dyad', got {level!r}")
    return _cached((TERMINATION_CONFLICT if level == "conflict" else TERMINATION_DYAD).name).copy()


def load_agreements() -> pd.DataFrame:
    """UCDP Peace Agreements v22.1, one row per agreement (374 rows, 67 columns)."""
    return _cached(AGREEMENTS.name).copy()
