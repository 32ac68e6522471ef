"""The ``negotiation:`` section of a scenario: issues, options, parties and their positions.

A *package* on the table is one option per issue. Each option carries a *fragment* of a
:class:`~guaranty.scenario.schema.Package` (the levers it sets); a candidate package is the
``base`` package with the fragments of its options merged in, so that the engine can simulate
it. Each party scores the options of the issues it cares about, may weigh simulated security
terms (``p_war_120m``, ``cost_usd_bn_per_year``, ``aggressor_gain_120m`` ...), states hard red
lines and a fall-back value: what it expects without a deal, on the same 0–1 scale as its
utility. Every position must say where it was stated (``source``) or why it is assumed
(``assumption``)::

    negotiation:
      base: strong-army
      issues:
        neutrality:
          options:
            non-aligned: {}
            neutral: {package: {neutrality: true}}
      parties:
        aggressor:
          name: Russia
          issues:
            neutrality: {weight: 1, scores: {non-aligned: 0, neutral: 1}, source: "..."}
          red_lines:
            - {issue: neutrality, reject: [non-aligned], source: "Lavrov (source article)",
               concession: "the aggressor accepts a non-aligned defender"}
          fallback: {value: 0.5, assumption: "continued war"}

The cross-references inside the section (issues, options, parties) are checked here. Each
option's fragment is checked as a ``Package`` by the scenario schema
(:class:`~guaranty.scenario.schema.Scenario`, which imports this module, not the other way
round); the ``base`` package and the guarantors the fragments name are checked against the
scenario by :func:`guaranty.negotiation.analyse`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

_SLUG = r"^[a-z0-9][a-z0-9_-]*$"
Slug = Annotated[str, Field(pattern=_SLUG, max_length=64)]
WEIGHT_TOLERANCE = 1e-6


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class _Cited(_Frozen):
    """A position with its origin: where it was stated, or why it is assumed."""

    source: str | None = None
    assumption: str | None = None

    @model_validator(mode="after")
    def _origin(self) -> _Cited:
        if not (self.source or self.assumption):
            raise ValueError("a position must give a source or an assumption, got neither")
        return self


class Option(_Frozen):
    """One option of an issue and the package levers it sets (fields of a ``Package``).

    The fragment is checked as a ``Package`` (without ``base``) where the scenario is
    validated: :meth:`guaranty.scenario.schema.Scenario._fragments`.
    """

    description: str = ""
    package: dict[str, Any] = Field(default_factory=dict)


class Issue(_Frozen):
    """An issue on the table and its options (two to four keep the package space small)."""

    description: str = ""
    options: dict[Slug, Option] = Field(min_length=1)


class Preference(_Cited):
    """How much a party cares about an issue (``weight``) and how it scores each option (0–1)."""

    weight: float = Field(ge=0, le=1)
    scores: dict[Slug, Annotated[float, Field(ge=0, le=1)]]


class Term(_Cited):
    """A simulated security term, scored linearly from ``worst`` (0) to ``best`` (1), clipped."""

    weight: float = Field(ge=0, le=1)
    best: float
    worst: float

    @model_validator(mode="after")
    def _span(self) -> Term:
        if self.best == self.worst:
            raise ValueError(f"best must differ from worst, got both {self.best:g}")
        return self


class RedLine(_Cited):
    """A hard limit: the party rejects every package with one of the ``reject`` options."""

    issue: Slug
    reject: list[Slug] = Field(min_length=1)
    concession: str = Field(default="", max_length=200)


class FallbackChange(_Cited):
    """Another fall-back the party might come to expect, and what would bring it about."""

    value: float
    change: str = Field(min_length=1, max_length=200)


class Fallback(_Cited):
    """What the party expects without a deal, on its utility scale (0–1)."""

    value: float
    changes: list[FallbackChange] = Field(default_factory=list)


class Party(_Frozen):
    """A party to the negotiation: its preferences, security terms, red lines and fall-back."""

    name: str = Field(min_length=1, max_length=80)
    description: str = ""
    issues: dict[Slug, Preference] = Field(default_factory=dict)
    terms: dict[str, Term] = Field(default_factory=dict)
    red_lines: list[RedLine] = Field(default_factory=list)
    fallback: Fallback

    @model_validator(mode="after")
    def _weights(self) -> Party:
        total = sum(p.weight for p in self.issues.values()) + sum(
            t.weight for t in self.terms.values())
        if not math.isclose(total, 1.0, abs_tol=WEIGHT_TOLERANCE):
            raise ValueError(f"the weights of a party's issues and terms must sum to 1, got "
                             f"{total:.6g}; scale them so that they do")
        return self


class Negotiation(_Frozen):
    """The negotiation section: the base package, the issues and the parties."""

    description: str = ""
    base: Slug | None = None
    issues: dict[Slug, Issue] = Field(default_factory=dict)
    parties: dict[Slug, Party] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _references(self) -> Negotiation:
        problems = []
        for pname, party in self.parties.items():
            for iname, pref in party.issues.items():
                if iname not in self.issues:
                    problems.append(f"parties.{pname}.issues: must name an issue "
                                    f"({_known(self.issues)}), got {iname!r}")
                    continue
                options = self.issues[iname].options
                missing = [o for o in options if o not in pref.scores]
                extra = [o for o in pref.scores if o not in options]
                if missing or extra:
                    problems.append(
                        f"parties.{pname}.issues.{iname}.scores: must score each option "
                        f"({_known(options)}) once, got {', '.join(pref.scores) or 'none'}")
            for i, line in enumerate(party.red_lines):
                if line.issue not in self.issues:
                    problems.append(f"parties.{pname}.red_lines.{i}.issue: must name an issue "
                                    f"({_known(self.issues)}), got {line.issue!r}")
                    continue
                options = self.issues[line.issue].options
                for option in line.reject:
                    if option not in options:
                        problems.append(f"parties.{pname}.red_lines.{i}.reject: must name "
                                        f"options of {line.issue} ({_known(options)}), got "
                                        f"{option!r}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def size(self) -> int:
        """The number of packages: the product of the issues' option counts."""
        return math.prod(len(i.options) for i in self.issues.values()) if self.issues else 0


def _known(names: Mapping[str, object]) -> str:
    return ", ".join(names) or "none defined"


__all__ = [
    "Fallback",
    "FallbackChange",
    "Issue",
    "Negotiation",
    "Option",
    "Party",
    "Preference",
    "RedLine",
    "Term",
]
