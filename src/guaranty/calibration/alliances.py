r"""How often allies honour their commitments in war, from the Berkemeier & Fuhrmann (2018) cases.

The guarantor model needs a base rate: when a war starts that an alliance treaty covers, how
often does the ally do what the treaty promised? This module estimates it from the 576
alliance-member × war rows of Berkemeier & Fuhrmann (2018), shipped as
``data/alliance_reliability/alliance_war_cases.csv`` (wars 1828–2003). A row is a *case* of
alliance performance when the war triggered an obligation of the alliance; each case is coded
honoured or violated. 146 rows are cases under the coding that replicates Leeds, Long &
Mitchell (2000) (``coding="LLM"``, 73 honoured) and 139 under the authors' alternative coding
(``coding="BF"``, 69 honoured).

Rates
-----
For a subset of cases with :math:`h` honoured out of :math:`n`, :func:`reliability` gives the
rate :math:`\hat\rho = h / n` with the 95 % Jeffreys interval, the 2.5 % and 97.5 % quantiles of
:math:`\mathrm{Beta}(h + \tfrac12, n - h + \tfrac12)` (lower end 0 when :math:`h = 0`, upper end
1 when :math:`h = n`; Brown, Cai & DasGupta 2001). The same Beta is the natural registry
distribution of a fitted rate. Treaty types overlap: one alliance may carry a defence, a
non-aggression and a consultation obligation at once (ATOP codes each), so a case counts in
every type its alliance has.

Reproduction of the published figures
-------------------------------------
The abstract of Berkemeier & Fuhrmann (2018) (PARAMETERS.md §8) gives: 50 % overall
(1816–2003), 66 % before 1945, 22 % after 1945; defence pacts 41 %, non-aggression 37 %,
offensive 74 %, neutrality 78 %. With ``coding="LLM"`` and eras split by the file's ``sample``
indicator the data reproduce **all seven to the rounded percent**: 73/146 = 50.0 %,
61/92 = 66.3 %, 12/54 = 22.2 %, 42/102 = 41.2 %, 18/49 = 36.7 %, 31/42 = 73.8 %,
35/45 = 77.8 %. So the published figures use the Leeds-Long-Mitchell coding, which is
therefore the default here. The alternative ``coding="BF"`` gives 49.6 %, 67.4 %, 20.8 %,
40.6 %, 36.7 %, 71.4 % and 81.4 % (offensive −2.6 and neutrality +3.6 points off the
abstract).

``sample`` is 1 for the 92 (LLM) cases of wars before 1945 whose alliance has an ATOP id below
3000, and 0 for every case of a war from 1948 on plus four World War II cases of alliances with
ATOP ids 3005–3030 (apparently alliances signed in 1945: ATOP numbers alliances roughly in
order of signature). It appears to mark the cases of the original Leeds-Long-Mitchell sample
(alliances and wars 1816–1944) against those that Berkemeier & Fuhrmann added; the codebook
that would confirm this was not copied (``data/alliance_reliability/SOURCE.md``).
``era_by="war"`` instead splits at the war's start year (parsed from ``warname``; World War I
= 1914, II = 1939): LLM 63/96 = 65.6 % before 1945 and 10/50 = 20.0 % after, 2 points below
the published 22 %, because the four 1945 alliances (two honoured) move to the earlier era.
The abstract's own words, "66 % of the time prior to 1945 but ... 22 % from 1945 to 2003", fit
the ``sample`` split: the four are cases of 1945.

Post-1945 defence pacts — the base rate of the guarantor model — were honoured in 6 of 43
cases (14.0 %, Jeffreys 95 % interval 6.0–26.5 %; BF coding 5/42 = 11.9 %).

Logistic model
--------------
:func:`fit_reliability_model` fits, by maximum likelihood,

.. math:: \operatorname{logit} P(\text{honoured}) = \beta_0 + \beta_1\,\mathrm{post1945}
          + \beta_2\,\mathrm{defence} + \beta_3\,\mathrm{bilateral}

with ``post1945 = 1 - sample`` (or the war year under ``era_by="war"``), ``defence`` the ATOP
defence obligation and ``bilateral = 1 - multilateral``. The covariance is the inverse observed
information. LLM coding, n = 146: :math:`\beta = (0.629, -1.696, -0.968, 0.897)` with standard
errors (0.552, 0.414, 0.432, 0.445). The standard errors treat cases as independent; they are
not (World War II alone gives 39 of the 92 pre-1945 cases; ATOP 3205 appears in seven post-1945
wars), so they are too small.

What the data cannot say
------------------------
The cases are alliances *whose deterrence failed*: commitments that deterred an attack never
enter the data, and those most likely to be honoured are most likely to deter (Smith 1995;
Leeds 2003 AJPS). The rates are reliability given war, a lower bound on the credibility an
aggressor expects before it attacks.

Data
----
``alliance_war_cases.csv`` holds 16 of the 28 columns of ``BerkemeierFuhrmannRAP2018_0303``
(a pandas conversion of the authors' Stata file from the ``joshuaalley/treaty-depth``
repository), fields copied byte for byte; its SHA-256 is checked on every load. The indicator
columns are 1 or empty in the source; :func:`load_alliance_cases` turns empty into 0.

References
----------
Berkemeier, M. & Fuhrmann, M. (2018). "Reassessing the fulfillment of alliance commitments in
war". *Research & Politics*, April–June 2018 (abstract: vivo.library.tamu.edu; doaj.org)

Leeds, B. A., Long, A. G. & Mitchell, S. M. (2000). "Reevaluating Alliance Reliability:
Specific Threats, Specific Promises". *Journal of Conflict Resolution* 44(5):686–699.

Leeds, B. A. (2003). "Alliance Reliability in Times of War: Explaining State Decisions to
Violate Treaties". *International Organization* 57(4):801–827.

Leeds, B. A. (2003). "Do Alliances Deter Aggression? The Influence of Military Alliances on the
Initiation of Militarized Interstate Disputes". *American Journal of Political Science*
47(3):427–439.

Smith, A. (1995). "Alliance Formation and War". *International Studies Quarterly* 39(4):405–425.

Brown, L. D., Cai, T. T. & DasGupta, A. (2001). "Interval Estimation for a Binomial
Proportion". *Statistical Science* 16(2):101–133.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import optimize, special, stats

from guaranty._datasets import data_path, frame_with_columns, read_checked_csv
from guaranty.errors import DataError, InputError

__all__ = [
    "CODINGS",
    "COLUMNS",
    "ERAS",
    "PUBLISHED",
    "SHA256",
    "TREATY_TYPES",
    "Reliability",
    "ReliabilityModel",
    "fit_reliability_model",
    "load_alliance_cases",
    "reliability",
    "reliability_table",
]

Coding = Literal["LLM", "BF"]
EraSplit = Literal["sample", "war"]
FloatArray = NDArray[np.float64]

#: SHA-256 of the shipped ``data/alliance_reliability/alliance_war_cases.csv``.
SHA256 = "3ca1658c5f8e5549bbfd3ce5851e064d3fd0ec271b342741d07355c99f83ad58"

#: Columns of the shipped file, in order.
COLUMNS = (
    "sample", "warid", "atopid", "warname", "multilateral",
    "dnaBF", "honorBF", "violateBF", "dnaLLM", "honorLLM", "violateLLM",
    "defense", "offense", "neutral", "nonagg", "consul",
)  # fmt: skip

#: Codings of honoured/violated: Leeds-Long-Mitchell replication, Berkemeier-Fuhrmann's own.
CODINGS: tuple[Coding, ...] = ("LLM", "BF")
#: ATOP obligation types, plus "all".
TREATY_TYPES = ("all", "defense", "offense", "neutral", "nonagg", "consul")
ERAS = ("all", "pre-1945", "post-1945")
_ERA_SPLITS: tuple[EraSplit, ...] = ("sample", "war")

#: Berkemeier & Fuhrmann (2018), abstract: share honoured by (treaty_type, era).
PUBLISHED: dict[tuple[str, str], float] = {
    ("all", "all"): 0.50,
    ("all", "pre-1945"): 0.66,
    ("all", "post-1945"): 0.22,
    ("defense", "all"): 0.41,
    ("nonagg", "all"): 0.37,
    ("offense", "all"): 0.74,
    ("neutral", "all"): 0.78,
}

_INDICATORS = COLUMNS[5:]  # 1 or empty in the source
_BINARY = ("sample", "multilateral")  # 0 or 1 in the source
_UNNAMED_YEARS = {"WorldWarI": 1914, "WorldWarII": 1939}
_YEAR = re.compile(r"(1[89]\d\d|20\d\d)")
_LEVEL = 0.95


# --------------------------------------------------------------------------- loading


def _war_year(name: str) -> int | None:
    if name in _UNNAMED_YEARS:
        return _UNNAMED_YEARS[name]
    found = _YEAR.search(name)
    return int(found.group(1)) if found else None


def load_alliance_cases(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load the shipped Berkemeier & Fuhrmann alliance × war rows, checked against their SHA-256.

    Parameters
    ----------
    path : path-like, optional
        Where to read the file; default ``data_path("alliance_reliability",
        "alliance_war_cases.csv")``. Whatever the path, the file must be the shipped one.

    Returns
    -------
    pandas.DataFrame
        576 rows (alliance member × war) with columns :data:`COLUMNS` and ``war_year``.
        ``warname`` is text; every other column is int: ``warid`` and ``atopid`` identifiers,
        ``war_year`` the war's start year, and 0/1 indicators for the rest. For each coding
        (``LLM``, ``BF``) exactly one of ``dna``, ``honor``, ``violate`` is 1 in every row.

    Raises
    ------
    DataError
        If the file is missing, unreadable, altered, lacks a column, or breaks the coding
        rules above.
    """
    file = (
        data_path("alliance_reliability", "alliance_war_cases.csv") if path is None else Path(path)
    )
    raw = read_checked_csv(
        file, sha256=SHA256, columns=COLUMNS, what="alliance cases file",
        restore="data/alliance_reliability/alliance_war_cases.csv from the guaranty repository "
        "(see data/alliance_reliability/SOURCE.md)")

    frame = pd.DataFrame({"warname": raw["warname"]})
    for column in ("warid", "atopid", *_BINARY, *_INDICATORS):
        values = pd.to_numeric(raw[column].replace("", "0"), errors="coerce")
        allowed = values.isin((0, 1)) if column not in ("warid", "atopid") else values.notna()
        if not allowed.all():
            bad = raw.loc[~allowed, column].tolist()[:5]
            raise DataError(f"{file}: {column} must be 0, 1 or empty, got {bad}")
        frame[column] = values.astype(np.int64)
    years = raw["warname"].map(_war_year)
    if years.isna().any():
        raise DataError(
            f"{file}: no war year in warname {raw.loc[years.isna(), 'warname'].unique()[:5]}"
        )
    frame["war_year"] = years.astype(np.int64)
    for coding in CODINGS:
        total = frame[f"dna{coding}"] + frame[f"honor{coding}"] + frame[f"violate{coding}"]
        if not (total == 1).all():
            raise DataError(
                f"{file}: exactly one of dna{coding}, honor{coding}, violate{coding} must be 1 "
                f"in each row, got {int((total != 1).sum())} rows without"
            )
    return frame[[*COLUMNS, "war_year"]]


def _cases(cases: pd.DataFrame | None) -> pd.DataFrame:
    return frame_with_columns(cases, (*COLUMNS, "war_year"), load=load_alliance_cases,
                              what="cases")


def _check(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise InputError(f"{name} must be one of {list(allowed)}, got {value!r}")


def _post1945(frame: pd.DataFrame, era_by: str) -> NDArray[np.bool_]:
    if era_by == "sample":
        return np.asarray(frame["sample"].to_numpy() == 0)
    return np.asarray(frame["war_year"].to_numpy() >= 1945)


# --------------------------------------------------------------------------- rates


@dataclass(frozen=True)
class Reliability:
    """Share of alliance commitments honoured in war, for one subset of cases.

    Attributes
    ----------
    rate : float
        honoured / n, in [0, 1] (NaN when n = 0).
    lo, hi : float
        95 % Jeffreys interval: 2.5 % and 97.5 % quantiles of Beta(honoured + 1/2,
        n − honoured + 1/2); lo = 0 when honoured = 0, hi = 1 when honoured = n.
    n : int
        Cases (rows coded honoured or violated).
    honoured : int
        Of which honoured.
    coding : {"LLM", "BF"}
        Whose honoured/violated coding.
    treaty_type : str
        One of :data:`TREATY_TYPES`.
    era : str
        One of :data:`ERAS`.
    """

    rate: float
    lo: float
    hi: float
    n: int
    honoured: int
    coding: str
    treaty_type: str
    era: str

    @property
    def beta(self) -> tuple[float, float]:
        """(a, b) of the Jeffreys posterior Beta(honoured + 1/2, n − honoured + 1/2)."""
        return self.honoured + 0.5, self.n - self.honoured + 0.5


def _jeffreys(honoured: int, n: int) -> tuple[float, float]:
    if n == 0:
        return 0.0, 1.0
    a, b = honoured + 0.5, n - honoured + 0.5
    tail = (1 - _LEVEL) / 2
    lo = 0.0 if honoured == 0 else float(stats.beta.ppf(tail, a, b))
    hi = 1.0 if honoured == n else float(stats.beta.ppf(1 - tail, a, b))
    return lo, hi


def reliability(
    cases: pd.DataFrame | None = None,
    *,
    treaty_type: str = "all",
    era: str = "all",
    coding: Coding = "LLM",
    era_by: EraSplit = "sample",
) -> Reliability:
    """Share of alliance commitments honoured in war, with its 95 % Jeffreys interval.

    Parameters
    ----------
    cases : pandas.DataFrame, optional
        From :func:`load_alliance_cases` (the default).
    treaty_type : {"all", "defense", "offense", "neutral", "nonagg", "consul"}, default "all"
        Keep cases whose alliance carries this ATOP obligation (types overlap).
    era : {"all", "pre-1945", "post-1945"}, default "all"
    coding : {"LLM", "BF"}, default "LLM"
        Leeds-Long-Mitchell replication coding (reproduces the published figures) or
        Berkemeier-Fuhrmann's alternative.
    era_by : {"sample", "war"}, default "sample"
        Split eras by the file's ``sample`` indicator (the published split) or by the war's
        start year.

    Returns
    -------
    Reliability

    Raises
    ------
    InputError
        If an option is not one of those listed.
    """
    _check("treaty_type", treaty_type, TREATY_TYPES)
    _check("era", era, ERAS)
    _check("coding", coding, CODINGS)
    _check("era_by", era_by, _ERA_SPLITS)
    frame = _cases(cases)
    keep = frame[f"dna{coding}"].to_numpy() == 0
    if treaty_type != "all":
        keep &= frame[treaty_type].to_numpy() == 1
    if era != "all":
        post = _post1945(frame, era_by)
        keep &= post if era == "post-1945" else ~post
    n = int(keep.sum())
    honoured = int(frame[f"honor{coding}"].to_numpy()[keep].sum())
    lo, hi = _jeffreys(honoured, n)
    return Reliability(
        rate=honoured / n if n else float("nan"),
        lo=lo,
        hi=hi,
        n=n,
        honoured=honoured,
        coding=coding,
        treaty_type=treaty_type,
        era=era,
    )


def reliability_table(
    cases: pd.DataFrame | None = None, *, era_by: EraSplit = "sample"
) -> list[Reliability]:
    """:func:`reliability` for every coding, treaty type and era (2 × 6 × 3 = 36 rows).

    Parameters
    ----------
    cases : pandas.DataFrame, optional
        From :func:`load_alliance_cases` (the default).
    era_by : {"sample", "war"}, default "sample"
        As in :func:`reliability`.

    Returns
    -------
    list of Reliability
        Ordered by coding (LLM, BF), then treaty type, then era, as in :data:`CODINGS`,
        :data:`TREATY_TYPES` and :data:`ERAS`.
    """
    frame = _cases(cases)
    return [
        reliability(frame, treaty_type=t, era=e, coding=c, era_by=era_by)
        for c in CODINGS
        for t in TREATY_TYPES
        for e in ERAS
    ]


# --------------------------------------------------------------------------- logistic model


@dataclass(frozen=True)
class ReliabilityModel:
    """logit P(honoured) = β0 + β1·post1945 + β2·defence + β3·bilateral, as fitted.

    Attributes
    ----------
    names : tuple of str
        ``("intercept", "post1945", "defense", "bilateral")``.
    coef : tuple of float
        Maximum-likelihood estimates, log-odds.
    cov : tuple of tuple of float, shape (4, 4)
        Inverse observed information.
    n : int
        Cases used.
    honoured : int
        Of which honoured.
    coding : {"LLM", "BF"}
    era_by : {"sample", "war"}
    """

    names: tuple[str, ...]
    coef: tuple[float, ...]
    cov: tuple[tuple[float, ...], ...]
    n: int
    honoured: int
    coding: str
    era_by: str

    @property
    def se(self) -> tuple[float, ...]:
        """Standard errors of :attr:`coef` (cases treated as independent)."""
        return tuple(float(np.sqrt(self.cov[i][i])) for i in range(len(self.coef)))

    def p_honour(self, *, post1945: bool, defense: bool, bilateral: bool) -> float:
        """Fitted probability of honour for one combination of the indicators."""
        x = np.array([1.0, post1945, defense, bilateral])
        return float(special.expit(x @ np.asarray(self.coef)))


def fit_reliability_model(
    cases: pd.DataFrame | None = None, *, coding: Coding = "LLM", era_by: EraSplit = "sample"
) -> ReliabilityModel:
    """Fit logit P(honoured) = β0 + β1·post1945 + β2·defence + β3·bilateral by maximum likelihood.

    Parameters
    ----------
    cases : pandas.DataFrame, optional
        From :func:`load_alliance_cases` (the default).
    coding : {"LLM", "BF"}, default "LLM"
    era_by : {"sample", "war"}, default "sample"
        As in :func:`reliability`.

    Returns
    -------
    ReliabilityModel
        Estimates with the inverse observed information as covariance.

    Raises
    ------
    InputError
        If an option is not one of those listed, the outcomes are all alike, or the fit does
        not converge.
    """
    _check("coding", coding, CODINGS)
    _check("era_by", era_by, _ERA_SPLITS)
    frame = _cases(cases)
    keep = frame[f"dna{coding}"].to_numpy() == 0
    sub = frame[keep]
    y = sub[f"honor{coding}"].to_numpy(dtype=np.float64)
    n, honoured = int(y.size), int(y.sum())
    if honoured in (0, n):
        raise InputError(f"fit_reliability_model needs both outcomes, got {honoured} of {n}")
    design = np.column_stack(
        [
            np.ones(n),
            _post1945(sub, era_by).astype(np.float64),
            sub["defense"].to_numpy(dtype=np.float64),
            1.0 - sub["multilateral"].to_numpy(dtype=np.float64),
        ]
    )
    sign = 2 * y - 1

    def fun(beta: FloatArray) -> float:
        return float(np.sum(np.logaddexp(0.0, -sign * (design @ beta))))

    def jac(beta: FloatArray) -> FloatArray:
        return np.asarray(design.T @ (-sign * special.expit(-sign * (design @ beta))))

    def hess(beta: FloatArray) -> FloatArray:
        p = special.expit(design @ beta)
        return np.asarray(design.T @ (design * (p * (1 - p))[:, None]))

    result = optimize.minimize(
        fun, np.zeros(4), jac=jac, hess=hess, method="trust-exact", options={"gtol": 1e-9}
    )
    beta = np.asarray(result.x, dtype=np.float64)
    # Judge convergence by the score itself: near the optimum trust-exact may stop on rounding
    # ("bad approximation") with the score already ~1e-10.
    if not (np.all(np.isfinite(beta)) and np.max(np.abs(jac(beta))) < 1e-6):
        raise InputError(
            f"fit_reliability_model did not converge: {result.message}; a category may "
            "separate honoured from violated cases perfectly"
        )
    information = hess(beta)
    cov = np.linalg.inv((information + information.T) / 2)
    cov = (cov + cov.T) / 2
    return ReliabilityModel(
        names=("intercept", "post1945", "defense", "bilateral"),
        coef=tuple(float(b) for b in beta),
        cov=tuple(tuple(float(v) for v in row) for row in cov),
        n=n,
        honoured=honoured,
        coding=coding,
        era_by=era_by,
    )
