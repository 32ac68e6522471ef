"""The package version, in one place (the face and the results record import it)."""

__version__ = "0.1.0"
