"""The course notebooks: each runs top to bottom in a real Jupyter kernel and shows what the notes print.

One test per notebook executes it (nbclient + ipykernel) and then reads its outputs: the notes'
numbers (trajectories, parameter counts, gate weights) against the notes themselves
(``tests/nn/test_trajectories.py`` holds their printed trajectories), derivatives against
formulas worked out here, a picture from every figure cell, the step player and the explorer as
self-contained pages. The committed notebooks carry no outputs, so that their diffs stay readable.
"""

from __future__ import annotations

import gzip
import math
import re
import struct
from collections.abc import Callable
from pathlib import Path

import nbformat
import numpy as np
import pytest

from tests.nn import test_trajectories as notes
from tests.notebooks.kernel import NOTEBOOKS, ROOT, Executed, execute, framed_page

pytest.importorskip("nbclient")
pytest.importorskip("matplotlib")
pytest.importorskip("sklearn")

NUMBER = r"([-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?)"


def trajectory(run: Executed, cell_id: str) -> list[float]:
    """``x_1, x_2, ...`` from the lines ``x_%i = %s`` a cell printed (``x_0`` is checked and left out)."""
    lines = re.findall(r"^x_(\d+) = (\S+)$", run.stream(cell_id), re.MULTILINE)
    assert [int(i) for i, _ in lines] == list(range(len(lines))), "the steps are numbered 0, 1, 2, ..."
    return [float(x) for _, x in lines[1:]]


def self_contained(page: str) -> None:
    """A page that a notebook frames: a whole document that fetches nothing."""
    assert page.startswith("<!DOCTYPE html>") and "default-src 'none'" in page
    assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']?(https?:)?//""", page)


def check_chain_rule(run: Executed) -> None:
    assert re.search(r"y = 125\b", run.stream("chain-rule"))
    assert run.numbers("chain-rule", r"dy/dx = " + NUMBER) == [6 * 2 * (2**2 + 1) ** 2]  # 300
    assert run.numbers("chain-rule", r"= " + NUMBER + r"\n?$")[-1] == 300
    assert run.numbers("chain-plot", r"engine vs formula: " + NUMBER)[0] < 1e-12
    for cell in ("chain-graph", "neuron-forward", "neuron-backward"):
        assert run.data(cell, "image/svg+xml"), f"{cell} shows no drawing"
    o = math.tanh(2 * -3 + 0 * 1 + 6.8813735870195432)
    slope = 1 - o * o  # do/dn
    expected = {"x1": -3 * slope, "w1": 2 * slope, "x2": 1 * slope, "w2": 0 * slope, "b": slope}
    for name, value in expected.items():
        assert run.numbers("neuron-backward", rf"do/d{name} = " + NUMBER) == [pytest.approx(value, abs=1e-4)]
    (html,) = run.data("neuron-player", "text/html")
    player = framed_page(html)
    self_contained(player)
    assert 'id="next"' in player and 'id="slider"' in player and player.count('class="frame"') == 7
    assert "do/dw1 = do/dn * dn/dt3 * dt3/dt2 * dt2/dw1" in run.stream("neuron-steps-text")
    # an op written by the reader: its gradient, its gradcheck, the wrong one caught, its picture
    assert run.numbers("custom-op", r"ds/dx = " + NUMBER) == [pytest.approx(2 * math.cosh(1.0), abs=1e-6)]
    checked = run.stream("custom-op-gradcheck")
    assert "gradcheck(Sinh, [0.5]): True" in checked
    assert "WrongSinh.local is wrong for input 0 (x0)" in checked and "gradient mismatch" in checked
    (picture,) = run.data("custom-op-graph", "image/svg+xml")
    assert "Sinh" in picture and "ds/dt1 = cosh(t1) = 1.543" in picture


def check_activations(run: Executed) -> None:
    assert run.numbers("activations", r"engine - formula\| = " + NUMBER) == [pytest.approx(0, abs=1e-12)] * 5
    for row in run.stream("same-sign").splitlines():
        signs = {value.startswith("-") for value in re.findall(r"[-+]\d\.\d+", row)}
        assert len(signs) == 1, f"dL/df and every dL/dw share one sign: {row}"
    assert "inputs from a sigmoid (all > 0): 100% of the steps" in run.stream("zigzag")
    collapse = run.numbers("linear-collapse", r"\s" + NUMBER + r"$")
    assert collapse[0] < 1e-12 < 0.1 < collapse[1]  # W'x + b' exactly; not with tanh between
    symmetry = run.stream("symmetry")
    for start, units in [("zeros", 1), ("constant 0.5", 1), (r"small random \(x 0.01\)", 8)]:
        assert re.search(rf"{start}: {units} distinct hidden unit", symmetry)
    saturated, unsaturated = run.numbers("scale", r"mean tanh'\(z\) = " + NUMBER)
    assert saturated < 0.2 and unsaturated > 0.95


def check_perceptron(run: Executed) -> None:
    gates = run.stream("gates")
    assert run.numbers("gates", r"= " + NUMBER + r",  sign") == [-2, 1, 1, 4, -4, -1, -1, 2]  # the notes' sums
    assert re.findall(r"sign = ([-+]1)", gates) == ["-1", "+1", "+1", "+1", "-1", "-1", "-1", "+1"]
    rule = re.findall(r"w -> \(([^)]*)\)", run.stream("rule"))
    assert rule == ["-11.0, 4.0, 5.0", "-12.0, 0.0, 5.0", "-11.0, 2.0, 7.0"]  # the notes' worked example
    fitted = run.stream("fit-gates")
    assert "OR: converged" in fitted and "AND: converged" in fitted and "XOR: not linearly separable" in fitted
    table = re.findall(r"\| (\d) \(([-+]\d)\) \| (\d) \(([-+]\d)\) \| (\d) \(([-+]\d)\)", run.stream("xor-gates"))
    nand = [int(row[3]) for row in table]
    xor = [(int(row[4]), int(row[5])) for row in table]
    assert nand == [4, 1, 1, -2] and xor == [(0, -1), (1, 2), (1, 2), (0, -1)]  # the notes' table
    assert "predictions: [0, 1, 1, 0]" in run.stream("xor-mlp")


def check_numerical_differentiation(run: Executed) -> None:
    assert run.numbers("three-differences", r"engine\s+= " + NUMBER) == [33.0]
    errors = dict(re.findall(r"(\w+) difference = \S+\s+error " + NUMBER, run.stream("three-differences")))
    h = 1e-4
    assert float(errors["forward"]) == pytest.approx(h / 2 * 44, rel=1e-3)  # (h/2) f''(2)
    assert float(errors["backward"]) == pytest.approx(-h / 2 * 44, rel=1e-3)
    assert abs(float(errors["central"])) < 1e-7  # (h^2/6) f'''(2) = 4e-8
    slopes = run.numbers("error-vs-h", r"\[1e-4, 0.1\]: " + NUMBER)
    assert slopes == [pytest.approx(1, abs=0.05), pytest.approx(2, abs=0.05), pytest.approx(1, abs=0.05)]
    assert run.stream("gradcheck").count(": True") == 2
    assert "gradient mismatch" in run.stream("gradcheck-fails")


def check_gradient_descent(run: Executed) -> None:
    for cell, printed in [("gd-lr-1-5", notes.LR_1_5), ("gd-lr-0-4", notes.LR_0_4), ("gd-lr-0-001", notes.LR_0_001),
                          ("local-lr-0-02", notes.PLAIN_0_02), ("momentum-lr-0-02", notes.MOMENTUM_0_02)]:
        assert trajectory(run, cell) == pytest.approx(printed, rel=1e-12), cell
    chaotic = trajectory(run, "local-lr-0-045")
    assert len(chaotic) == 40 and chaotic[:20] == pytest.approx(notes.PLAIN_0_045, rel=1e-9)
    assert "f'(x) = 0 at x = -3.35, -0.15, 2.00" in run.stream("critical-points")
    finals = run.numbers("race", r"f = " + NUMBER)
    assert len(finals) == 5 and max(finals) < (-7.0) ** 2 / 20 + 2.0**2  # every optimizer went downhill


def check_backprop_by_hand(run: Executed) -> None:
    for cell in ("single-layer", "two-examples"):
        pairs = re.findall(r"engine " + NUMBER + r".*= " + NUMBER, run.stream(cell))
        assert len(pairs) >= 3 and all(float(a) == float(b) for a, b in pairs), pairs
    y = 1 / (1 + math.exp(-(0.3 * 1.5 + -0.8 * -0.5 + 0.1)))
    assert run.numbers("single-layer", r"dw1: engine " + NUMBER) == [pytest.approx(1.5 * (y - 1), abs=1e-6)]
    assert run.data("deep-forward", "image/svg+xml"), "a non-scalar Tensor displays as its graph"
    differences = run.numbers("deep-backward", r"by " + NUMBER)
    assert len(differences) == 6 and max(differences) < 1e-12
    (html,) = run.data("explorer", "text/html")
    self_contained(framed_page(html))


def check_vanishing_gradients(run: Executed) -> None:
    relu = run.stream("relu-histograms")
    he = [float(v) for v in re.search(r"He: std of the activations by layer: (.*)", relu).group(1).split()]
    tiny = [float(v) for v in re.search(r"0.01: std of the activations by layer: (.*)", relu).group(1).split()]
    assert all(0.5 < s < 2 for s in he) and tiny[-1] < 1e-3
    rows = re.findall(r"(\S+ x \S+|He): \|db\| layer 1 to 9:\s+(.*)", run.stream("gradient-norms"))
    norms = {label: [float(v) for v in values.split()] for label, values in rows}
    assert norms["randn x 0.01"] == sorted(norms["randn x 0.01"]) and norms["randn x 0.01"][0] < 1e-9  # vanishing
    assert norms["randn x 1"] == sorted(norms["randn x 1"], reverse=True) and norms["randn x 1"][0] > 1e4  # exploding
    assert all(1e-2 < n < 10 for n in norms["He"])
    hooks = run.stream("hooks")
    assert "the backward pass reaches layers [9, 8, 7, 6, 5, 4, 3, 2, 1]" in hooks  # last layer first
    seen = [float(v) for v in re.search(r"\|dL/da\| as it goes: (.*)", hooks).group(1).split()]  # type: ignore[union-attr]
    assert seen == sorted(seen, reverse=True) and "the hooks saw what grad() computes: True" in hooks


def check_regularization(run: Executed) -> None:
    for cell in ("l2-gradient", "l1-gradient", "batchnorm"):
        found = run.numbers(cell, r"\s" + NUMBER + r"$")  # the difference that ends each line
        assert found and max(found) < 1e-12, (cell, found)
    penalty_free, decayed = run.numbers("polynomial", r"largest \|w\| =\s+" + NUMBER)
    assert penalty_free > 1e4 > 1e3 > decayed
    dropout = run.stream("dropout")
    assert "[0.   1.25]" in dropout and dropout.count("True") == 2 and "mean activation: 1.0" in dropout
    without, with_bn = run.numbers("batchnorm-training", r"loss by epoch .* " + NUMBER + ";")
    assert with_bn < without / 2


def check_digits(run: Executed) -> None:
    small = run.stream("summary-103")
    assert re.search(r"\(None, 9\)\s+63\n", small) and re.search(r"\(None, 4\)\s+40\n", small)
    assert "Total params: 103" in small
    counts = run.numbers("summary-301", r"\(None, \d\)\s+" + NUMBER + r"\n")
    assert counts == [81, 90, 0, 90, 0, 40, 0] and "Total params: 301" in run.stream("summary-301")
    engine, by_hand = re.findall(r"\[\[(.*)\]\]", run.stream("softmax"))[1:]
    assert engine == by_hand
    assert "45 mini-batches per epoch" in run.stream("digits-data")
    bar = run.stream("digits-fit", "stderr")
    assert "100%|" in bar and "epoch=15" in bar, "nn.fit shows its progress bar"
    assert run.numbers("digits-fit", r"test accuracy after 15 epochs: " + NUMBER + "%")[0] >= 95
    assert sum(run.numbers("digits-probabilities", r"^  \d  " + NUMBER)) == pytest.approx(1, abs=0.05)


def check_mnist(run: Executed) -> None:
    assert "the 8x8 digits (no MNIST_DIR given)" in run.stream("mnist-data")
    accuracies = run.numbers("mnist-train", r"test accuracy " + NUMBER + "%")
    assert len(accuracies) == 20 and accuracies[-1] >= 90
    assert sum(run.numbers("mnist-probabilities", r"^  \d  " + NUMBER)) == pytest.approx(1, abs=0.05)


CHECKS: dict[str, Callable[[Executed], None]] = {
    "01_chain_rule": check_chain_rule,
    "02_activations": check_activations,
    "03_perceptron": check_perceptron,
    "04_numerical_differentiation": check_numerical_differentiation,
    "05_gradient_descent": check_gradient_descent,
    "06_backprop_by_hand": check_backprop_by_hand,
    "07_vanishing_and_exploding_gradients": check_vanishing_gradients,
    "08_regularization": check_regularization,
    "09_digits_classifier": check_digits,
    "10_mnist": check_mnist,
}


def test_every_notebook_has_its_checks() -> None:
    assert [p.stem for p in NOTEBOOKS] == list(CHECKS)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_the_notebook_runs_and_shows_the_notes_results(path: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MNIST_DIR", raising=False)  # chapter 10 as a reader without MNIST runs it
    run = execute(path, tmp_path)
    assert run.problems() == []
    CHECKS[path.stem](run)


def write_idx(path: Path, array: np.ndarray) -> None:
    """An IDX file of unsigned bytes, gzipped, as the MNIST files are distributed."""
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    path.write_bytes(gzip.compress(header + array.astype(np.uint8).tobytes()))


@pytest.mark.slow
def test_the_mnist_notebook_reads_the_files_a_reader_points_it_at(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    g = np.random.default_rng(0)
    for prefix, n in (("train", 300), ("t10k", 100)):
        write_idx(tmp_path / f"{prefix}-images-idx3-ubyte.gz", g.integers(0, 256, (n, 28, 28)))
        write_idx(tmp_path / f"{prefix}-labels-idx1-ubyte.gz", g.integers(0, 10, n))
    monkeypatch.setenv("MNIST_DIR", str(tmp_path))
    run = execute(ROOT / "notebooks" / "10_mnist.ipynb", tmp_path)
    assert run.problems() == []
    assert "MNIST: 300 training and 100 test images of 28 x 28 = 784 pixels" in run.stream("mnist-data")
    assert re.search(r"\(None, 100\)\s+78,500\n", run.stream("mnist-model"))  # 784 x 100 + 100
    assert len(run.numbers("mnist-train", r"test accuracy " + NUMBER + "%")) == 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_notebooks_have_no_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    dirty = [cell.id for cell in notebook.cells if cell.cell_type == "code" and (cell.outputs or cell.execution_count)]
    assert not dirty, (f"{path.name} was saved with outputs in cells {dirty}; clear them (Jupyter: Edit > "
                       "Clear Outputs of All Cells, or: jupyter nbconvert --clear-output --inplace "
                       f"notebooks/{path.name})")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_notebook_is_a_numbered_chapter_linked_from_the_readme(path: Path) -> None:
    first = nbformat.read(path, as_version=4).cells[0]
    number = int(path.name[:2])
    assert first.cell_type == "markdown" and first.source.startswith(f"# {number}. "), first.source[:80]
    assert f"(notebooks/{path.name})" in (ROOT / "README.md").read_text(encoding="utf-8")
