"""``python -m guaranty.cli``: the same as the ``guaranty`` console script."""

from guaranty.cli import main

main()
