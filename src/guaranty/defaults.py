"""The defaults every entry point shares: one seed, one world count.

``guaranty run``, ``lenses``, ``negotiate``, ``sweep`` and every other command, and in Python
:func:`guaranty.simulate`, :func:`guaranty.analysis.compare_lenses`,
:func:`guaranty.negotiation.analyse` and :func:`guaranty.sweep`, all start from :data:`SEED` and
:data:`WORLDS`, so two analysts who run the same file get the same numbers. ``--seed random``
on the command line draws a fresh seed and prints it.

:data:`NEGOTIATION_WORLDS` is smaller on purpose: ``negotiate`` and ``optimise`` simulate every
candidate package (hundreds), each with that many worlds.
"""

from __future__ import annotations

SEED = 20250101
"""The default seed (a fixed date, 1 January 2025): reruns reproduce the headline numbers."""

WORLDS = 10_000
"""The default number of sampled worlds per package."""

NEGOTIATION_WORLDS = 400
"""The default number of worlds per candidate package of a negotiation (many candidates)."""
