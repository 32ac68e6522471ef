"""Importing guaranty stays light: heavy optional libraries load only when used."""

from __future__ import annotations

import subprocess
import sys


def test_import_guaranty_loads_no_heavy_library() -> None:
    code = (
        "import sys, guaranty\n"
        "print(sorted(m for m in sys.modules\n"
        "             if m.split('.')[0] in {'lifelines', 'negmas', 'matplotlib', 'SALib',\n"
        "                                    'ema_workbench', 'pymoo', 'sklearn'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
