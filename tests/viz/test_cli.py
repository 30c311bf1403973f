"""python -m viz / chainrule-viz: files written, text printed, clear errors and exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.viz.svg import parse
from viz import dot
from viz.cli import main


def run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "viz", *args], capture_output=True, text=True, timeout=120,
                          check=False)


def test_model_neuron_backward_svg(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "graph.svg"
    assert main(["--model", "neuron", "--view", "backward", "-o", str(out)]) == 0
    drawn = parse(out.read_bytes())
    assert len(drawn.nodes) == 15
    assert "do/dn = 1 - o^2 = 0.5" in drawn.texts()
    assert str(out) in capsys.readouterr().out


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".jpg", b"\xff\xd8"), (".dot", b"digraph")])
def test_the_extension_picks_the_format(tmp_path: Path, suffix: str, magic: bytes) -> None:
    out = tmp_path / f"graph{suffix}"
    assert main(["--model", "neuron", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(magic)


def test_pdf_without_a_system_dot_points_to_svg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(dot, "find_renderer", lambda: dot.Renderer("graphviz-pure", "graphviz-pure"))
    out = tmp_path / "graph.pdf"
    assert main(["--model", "neuron", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "graphviz-pure cannot write PDF" in err and "-o graph.svg" in err and "Traceback" not in err
    assert not out.exists()


def test_steps_as_text_and_as_a_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--model", "neuron", "--steps"]) == 0
    text = capsys.readouterr().out
    assert "do/dw1 = do/dx1w1 * dx1w1/dw1 = 0.5 * (x1 = 2.0) = 1.0" in text
    page = tmp_path / "steps.html"
    assert main(["--model", "neuron", "--steps", "-o", str(page)]) == 0
    assert page.read_text(encoding="utf-8").count('class="frame"') == 5 + 2  # start, 5 steps, summary


def test_without_output_the_dot_source_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--model", "neuron", "--highlight", "w2", "--view", "both"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("digraph chainrule {") and "penwidth=2.5" in out


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "nothing to draw"),
        (["--model", "neuron", "--highlight", "zz"], "no node of that name (named nodes: b, n, o, w1"),
        (["--model", "neuron", "-o", "graph.xyz"], "cannot tell the format"),
        (["--model", "neuron", "--collapse", "neuron"], "--collapse needs a model"),
        (["--model", "neuron", "--precision", "0"], "--precision must be"),
        (["--model", "neuron", "--steps", "--format", "html"], "needs -o FILE.html"),
        (["--model", "neuron", "y = x"], "either a source or --model"),
    ],
)
def test_bad_input_is_one_clear_message(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_no_traceback_from_the_command_line() -> None:
    proc = run(["--model", "neuron", "--highlight", "nobody"])
    assert proc.returncode == 2
    assert "chainrule-viz: error: --highlight 'nobody'" in proc.stderr and "Traceback" not in proc.stderr
    usage = run(["--view", "sideways"])
    assert usage.returncode == 2 and "invalid choice" in usage.stderr


def test_missing_renderer_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(dot, "_script_dirs", lambda: [])
    assert main(["--model", "neuron", "-o", str(tmp_path / "g.svg")]) == 1
    assert "pip install graphviz-pure" in capsys.readouterr().err
    assert not (tmp_path / "g.svg").exists()
    assert main(["--model", "neuron", "-o", str(tmp_path / "g.dot")]) == 0  # the source needs no renderer


def test_the_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "chainrule-viz"
    if not script.exists():
        pytest.skip("chainrule is not installed with its console script in this environment")
    proc = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0 and "--steps" in proc.stdout


# -- sources in the graph DSL ------------------------------------------------------------------

def dsl_available() -> None:
    pytest.importorskip("autograd.dsl", reason="the graph DSL (autograd.dsl) is not in this tree yet")


def test_an_expression_drawn_backward(tmp_path: Path) -> None:
    dsl_available()
    out = tmp_path / "graph.svg"
    assert main(["y = (x**2 + 1)**3", "--at", "x=2", "--view", "backward", "-o", str(out)]) == 0
    texts = parse(out.read_bytes()).texts()
    assert "grad 300.0" in texts  # dy/dx = 6x (x^2 + 1)^2 at x = 2
    assert "data 125.0" in texts


def test_a_dsl_file_and_its_steps(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dsl_available()
    source = tmp_path / "neuron.cr"
    source.write_text("n = x * w + b\no = tanh(n)\n", encoding="utf-8")
    assert main([str(source), "--at", "x=2 w=-3 b=6.8813735870195432", "--steps"]) == 0
    text = capsys.readouterr().out
    assert "do/dn = do/do * do/dn = 1.0 * (1 - o^2 = 0.5) = 0.5" in text


def test_a_syntax_error_is_reported_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    dsl_available()
    assert main(["y = (x +", "--at", "x=1"]) == 2
    err = capsys.readouterr().err
    assert "error" in err and "Traceback" not in err
