"""Helpers for testing guaranty and code built on it.

- :mod:`guaranty.testing.reference`: the per-world, pure-Python oracle of the engine's chain.

Nothing in the core package imports this one; it may import anything.
"""
