"""The README's Python blocks run as written, in order, in one namespace (as a reader would paste
them into one session), in a scratch directory for the files they write."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks() -> list[str]:
    """Every fenced ``python`` block of the README, in order."""
    return _BLOCK.findall(README.read_text(encoding="utf-8"))


def test_the_readme_has_python_blocks() -> None:
    assert len(blocks()) >= 4


@pytest.mark.slow
def test_the_readme_blocks_run_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "readme"}
    for number, block in enumerate(blocks(), start=1):
        code = compile(block, f"README.md python block {number}", "exec")
        exec(code, namespace)  # noqa: S102 - our own README, the very text under test
    out = capsys.readouterr().out
    assert "Total params: 103" in out and "337" in out  # the summaries the README promises
    assert float(namespace["d2"]) == pytest.approx(630.0)  # type: ignore[arg-type]
    written = {p.name for p in tmp_path.iterdir()}
    assert {"neuron.svg", "steps.html", "layers.svg", "explore.html", "moons.npz"} <= written, written
