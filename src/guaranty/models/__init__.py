"""The structural models, one mechanism a module, each a pure function vectorised over worlds.

The monthly chain is supply → forces → aggressor decision → campaign → outcomes; see each
module's docstring for its equations and sources, and ``docs/models/`` for the whole.
"""
