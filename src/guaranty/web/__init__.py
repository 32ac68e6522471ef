"""The web surface: ``guaranty serve``'s FastAPI app (a JSON API and a dashboard page).

A thin client of the public API: it builds the same objects as the command line and calls the
same functions (:func:`guaranty.simulate`, :func:`guaranty.analysis.levers.build`); it holds
no model logic. Needs the ``web`` extra (``pip install 'guaranty[web]'``). See docs/web.md.
"""

from guaranty.web.app import Bounds, create_app
from guaranty.web.server import serve

__all__ = ["Bounds", "create_app", "serve"]
