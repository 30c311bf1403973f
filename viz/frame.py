"""What the self-contained pages (the step player, the explorer) share: their data as JSON inside
the page, and the frame that shows a whole page in a notebook.

Data goes into a page as JSON in a ``<script type="application/json">`` element
(:func:`script_json`), never as markup or code, so no name a user gave can add an element or
run a script. The step player (:class:`viz.steps.Trace`) and the explorer (:class:`viz.explore.Explorer`) are
complete, self-contained pages, each with its own ``<html>``, Content Security Policy and
scripts. A notebook cannot take such a page into its own DOM, so ``_repr_html_`` returns a
frame that holds the page as an attribute: escaped for one, and sandboxed (scripts run, but
the page cannot reach the notebook around it).
"""

from __future__ import annotations

import html
import json
from typing import Any

__all__ = ["iframe", "script_json"]


def script_json(value: Any) -> str:
    """``value`` as JSON to put inside ``<script type="application/json">``: ASCII, compact, no
    NaN (not JSON), and ``<`` written ``\\u003c``, so that no ``</script>`` or ``<!--`` in a
    string can end the element early."""
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False).replace("<", "\\u003c")


def iframe(page: str, title: str, height: int) -> str:
    """The HTML of a sandboxed frame, ``height`` pixels tall and as wide as the cell, showing ``page``."""
    return (f'<iframe srcdoc="{html.escape(page, quote=True)}" sandbox="allow-scripts" '
            f'title="{html.escape(title, quote=True)}" '
            f'style="width:100%;height:{height}px;border:1px solid #e5e7eb;border-radius:6px"></iframe>')
