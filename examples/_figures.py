"""Helpers the nn examples share: an output directory and pictures written whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np

matplotlib.use("Agg")  # files only, no window: works on servers and in tests

import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend

from autograd import no_grad  # noqa: E402
from autograd.files import write_atomic  # noqa: E402
from nn.train import outputs_array  # noqa: E402

__all__ = ["plt", "save_figure", "decision_boundary"]


def save_figure(fig: Any, out_dir: str | os.PathLike[str], name: str) -> Path:
    """Save ``fig`` as ``out_dir/name`` (PNG) through a temporary file and a rename; close it."""
    try:
        return write_atomic(Path(out_dir) / name, lambda f: fig.savefig(f, format="png", dpi=110, bbox_inches="tight"))
    finally:
        plt.close(fig)


def decision_boundary(model: Any, X: np.ndarray, y: np.ndarray, title: str, resolution: int) -> Any:
    """A figure of the model's score sign over the plane, with the data on top."""
    x_min, x_max = X[:, 0].min() - 0.5, X[:, 0].max() + 0.5
    y_min, y_max = X[:, 1].min() - 0.5, X[:, 1].max() + 0.5
    xx, yy = np.meshgrid(np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution))
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    with no_grad():  # scoring only: record no graph
        out = model(grid)
    scores = outputs_array(out).ravel()
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    ax.contourf(xx, yy, scores.reshape(xx.shape) > 0, levels=[-0.5, 0.5, 1.5], cmap="coolwarm", alpha=0.35)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", edgecolors="k", s=25)
    ax.set(title=title, xlabel="x1", ylabel="x2")
    return fig
