"""A whole HTML page shown in a notebook: a sandboxed ``<iframe srcdoc="...">``.

The step player (:class:`viz.steps.Trace`) and the explorer (:class:`viz.explore.Explorer`) are
complete, self-contained pages, each with its own ``<html>``, Content Security Policy and
scripts. A notebook cannot take such a page into its own DOM, so ``_repr_html_`` returns a
frame that holds the page as an attribute: escaped for one, and sandboxed (scripts run, but
the page cannot reach the notebook around it).
"""

from __future__ import annotations

import html

__all__ = ["iframe"]


def iframe(page: str, title: str, height: int) -> str:
    """The HTML of a sandboxed frame, ``height`` pixels tall and as wide as the cell, showing ``page``."""
    return (f'<iframe srcdoc="{html.escape(page, quote=True)}" sandbox="allow-scripts" '
            f'title="{html.escape(title, quote=True)}" '
            f'style="width:100%;height:{height}px;border:1px solid #e5e7eb;border-radius:6px"></iframe>')
