"""The graph DSL: meaning checked against sympy and the notes, bad input always a DSLError."""

from __future__ import annotations

import math
import time

import pytest
import sympy
from hypothesis import assume, given
from hypothesis import strategies as st
from sympy.parsing.sympy_parser import convert_xor, parse_expr, rationalize, standard_transformations

from autograd import DomainError, Value, dsl
from autograd.dsl import DSLError
from autograd.testing import kink_distance
from autograd.testing.strategies import expressions, points

LOGISTIC = """
# logistic regression, one example (002_5f5d998247d0da0f.txt)
z = w1*x1 + w2*x2 + b
y = sigmoid(z)
L = -(t*log(y) + (1 - t)*log(1 - y))
"""

# sympy's versions of our functions, the only names parse_expr may resolve
SYMPY_FUNCTIONS = {
    "exp": sympy.exp, "log": sympy.log, "sqrt": sympy.sqrt, "sin": sympy.sin, "cos": sympy.cos,
    "tanh": sympy.tanh, "abs": sympy.Abs, "max": sympy.Max, "min": sympy.Min,
    "sum": lambda *a: sympy.Add(*a),
    "sigmoid": lambda x: 1 / (1 + sympy.exp(-x)),
    "relu": lambda x: sympy.Piecewise((x, x > 0), (0, True)),
    "leaky_relu": lambda x, s=0.01: sympy.Piecewise((x, x > 0), (s * x, True)),
    "elu": lambda x, a=1.0: sympy.Piecewise((x, x > 0), (a * (sympy.exp(x) - 1), True)),
}


def sympy_of(text: str, variables: list[str]) -> sympy.Expr:
    local = dict(SYMPY_FUNCTIONS)
    local.update({v: sympy.Symbol(v, real=True) for v in variables})
    allowed = {"Integer": sympy.Integer, "Float": sympy.Float, "Rational": sympy.Rational, "Symbol": sympy.Symbol}
    # rationalize: exact constants, so that sympy's float powers (0**2.0 and the like) stay exact
    return parse_expr(text, local_dict=local, global_dict=allowed,
                      transformations=standard_transformations + (convert_xor, rationalize))


def test_logistic_regression_program_reproduces_the_notes() -> None:
    g = dsl.parse(LOGISTIC)
    assert g.inputs == ("w1", "x1", "w2", "x2", "b", "t")
    assert g.outputs == ("z", "y", "L") and g.root == "L"
    values = dict(x1=1.0, x2=2.0, w1=0.1, w2=-0.2, b=0.0, t=1.0)
    out = g(**values)
    out["L"].backward()
    dz = out["y"].data - values["t"]
    assert out["z"].grad == pytest.approx(dz)
    assert out["w1"].grad == pytest.approx(values["x1"] * dz)
    assert out["w2"].grad == pytest.approx(values["x2"] * dz)
    assert out["b"].grad == pytest.approx(dz)
    assert all(out[n].name == n for n in g.inputs + g.outputs)
    # the same through a mapping
    assert g(values)["L"].data == pytest.approx(out["L"].data)


@pytest.mark.parametrize("x", [-1.5, 0.0, 2.0])
def test_chain_rule_example(x: float) -> None:
    for text in ("y = (x**2 + 1)**3", "y = (x^2 + 1)^3"):
        out = dsl.parse(text)(x=x)
        out["y"].backward()
        assert out["x"].grad == pytest.approx(6 * x * (x**2 + 1) ** 2)


def test_declared_defaults_are_overridable_inputs_not_outputs() -> None:
    g = dsl.parse("x = 2.0; lr = 1e-3\ny = x**2 * lr")
    assert g.inputs == ("x", "lr") and g.outputs == ("y",)
    assert g.defaults == {"x": 2.0, "lr": 0.001}
    assert g()["y"].data == pytest.approx(0.004)
    assert g(x=3)["y"].data == pytest.approx(0.009)


def test_precedence_and_associativity_follow_python() -> None:
    cases = {"y = -x**2": lambda x: -(x**2), "y = 2**3**x": lambda x: 2 ** 3**x, "y = x - 1 - 2": lambda x: x - 3,
             "y = x / 2 / 4": lambda x: x / 8, "y = 2 ^ -x": lambda x: 2**-x, "y = -(-x)": lambda x: x}
    for text, f in cases.items():
        assert dsl.parse(text)(x=0.7)["y"].data == pytest.approx(f(0.7)), text


def test_functions_with_parameters_and_variadic_calls() -> None:
    out = dsl.parse("y = leaky_relu(x, 0.1) + elu(x, 2.0) + max(x, a, 0) + sum(x, a, 1) + min(a, 3)")(x=-1.0, a=0.5)
    expected = -0.1 + 2.0 * (math.exp(-1) - 1) + 0.5 + 0.5 + 0.5
    assert out["y"].data == pytest.approx(expected)


@given(expressions(("x", "y")), points(("x", "y")))
def test_random_programs_agree_with_sympy(expr, point) -> None:  # type: ignore[no-untyped-def]
    text = str(expr)
    program = dsl.parse(f"out = {text}" if expr.variables() else f"out = {text} + 0*x")
    try:
        env = program({k: v for k, v in point.items() if k in program.inputs})
    except DSLError as exc:
        assume(not isinstance(exc.__cause__, DomainError))
        raise
    out = env["out"]
    assume(math.isfinite(out.data) and abs(out.data) < 1e8 and kink_distance(out) > 1e-4)
    out.backward()
    variables = list(program.inputs)
    oracle = sympy_of(text, variables)
    subs = {sympy.Symbol(v, real=True): point[v] for v in variables}
    assert out.data == pytest.approx(float(oracle.subs(subs).evalf()), rel=1e-7, abs=1e-9)
    for v in variables:
        exact = float(sympy.diff(oracle, sympy.Symbol(v, real=True)).subs(subs).evalf())
        assert env[v].grad == pytest.approx(exact, rel=1e-6, abs=1e-8), v


@given(expressions(("x", "y")))
def test_canonical_text_round_trips(expr) -> None:  # type: ignore[no-untyped-def]
    p = dsl.parse(f"u = {expr}\nv = u * 2")
    q = dsl.parse(str(p))
    assert q.inputs == p.inputs and q.outputs == p.outputs
    assert str(q) == str(p)
    assert [_tree(s.value) for s in q.statements] == [_tree(s.value) for s in p.statements]


def _tree(e: object) -> object:
    """An expression tree without its positions, to compare two parses."""
    fields = [f for f in vars(e) if f not in ("line", "column")]
    return (type(e).__name__, *[tuple(_tree(a) for a in v) if isinstance(v, tuple) else
                                (_tree(v) if hasattr(v, "line") else v) for f in fields for v in [vars(e)[f]]])


def _error(text: str, **values: float) -> DSLError:
    from unittest import mock

    import autograd.dsl.program as program_module

    with mock.patch.object(program_module, "_leaf", wraps=program_module._leaf) as leaf:
        with pytest.raises(DSLError) as info:
            dsl.parse(text)(**values)
    # nothing was executed: every error but a domain error is found before the first node exists
    assert isinstance(info.value.__cause__, DomainError) or not leaf.called, text
    return info.value


@pytest.mark.parametrize(
    "text, line, column, words",
    [
        ("y = sigmod(z)", 1, 5, "unknown function 'sigmod'"),
        ("y = exp(x, 2)", 1, 5, "exp() takes 1 argument"),
        ("y = max()", 1, 5, "takes at least 1"),
        ("y = leaky_relu(x, a)", 1, 5, "must be a number"),
        ("a = x\ny = 2 *", 2, 8, "expected a number"),
        ("y = (x + 1", 1, 11, "expected ')'"),
        ("y = x\ny = 2*x", 2, 1, "assigned twice"),
        ("y = x + 1\nx = 2*y", 2, 1, "cycle"),
        ("y = y + 1", 1, 5, "in terms of itself"),
        ("y = 1e999 * x", 1, 5, "not finite"),
        ("y = x.__class__", 1, 6, "unexpected character '.'"),
        ("y = ().__class__", 1, 7, "unexpected character '.'"),
        ("y = ()", 1, 6, "expected a number"),
        ("y = __import__('os').system('echo hacked')", 1, 16, "unexpected character"),
        ("y = __import__(x)", 1, 5, "unknown function '__import__'"),
        ("y = x[0]", 1, 6, "'['"),
        ("y = lambda x: x", 1, 13, "unexpected character ':'"),
        ("y = x y", 1, 7, "unexpected 'y'"),
        ("y = exp(x=1)", 1, 10, "expected ')'"),
        ("y = 'os'", 1, 5, "unexpected character"),
        ("import os", 1, 8, "expected '='"),
        ("lr = 0.1\ny = x**2", 1, 1, "declared but never used"),
        ("exp = x + 1", 1, 1, "is a function"),
        ("y = exp + 1", 1, 5, "is a function"),
        ("y = 2x", 1, 5, "malformed number"),
        ("y = log(x)", 1, 5, "log"),
        ("y = x * inf", 1, 9, "numbers must be finite"),
        ("NaN = 1\ny = x", 1, 1, "numbers must be finite"),
        ("y = x\u00b2 + 1", 1, 6, "unexpected character '\u00b2'"),
        ("y = x \u2212 1", 1, 7, "unexpected character"),
        ("a = 2*x\ny = a*\u0663", 2, 7, "unexpected character"),
        ("y = x\n\n  z = (y\x0c+ 1", 3, 9, "unexpected character '\\x0c'"),
    ],
)
def test_errors_have_line_column_caret_and_hint(text: str, line: int, column: int, words: str) -> None:
    err = _error(text, x=0.0)
    assert words in str(err)
    assert (err.line, err.column) == (line, column)
    caret_line = str(err).splitlines()[2]
    assert caret_line.index("^") - 2 == column - 1
    assert err.hint


def test_missing_and_unknown_inputs_at_call_time() -> None:
    g = dsl.parse("y = a * b")
    with pytest.raises(DSLError, match="missing value for input 'b'"):
        g(a=1.0)
    with pytest.raises(DSLError, match="no input named 'c'"):
        g(a=1.0, b=2.0, c=3.0)
    with pytest.raises(DSLError, match="number or a numpy array"):
        g(a="1", b=2.0)


def test_nothing_is_executed(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import builtins

    calls: list[str] = []
    for name in ("eval", "exec", "compile", "__import__"):
        original = getattr(builtins, name)
        monkeypatch.setattr(builtins, name, lambda *a, _n=name, _o=original, **k: (calls.append(_n), _o(*a, **k))[1])
    marker = tmp_path / "pwned"
    for text in (f"y = __import__('os').system('touch {marker}')", "y = ().__class__.__bases__", "y = x.__dict__"):
        with pytest.raises(DSLError):
            dsl.parse(text)
    assert not marker.exists()
    assert "eval" not in calls and "exec" not in calls and "compile" not in calls


@pytest.mark.parametrize(
    "text, words",
    [
        ("y = " + "(" * 10_000 + "x" + ")" * 10_000, "nests deeper than"),
        ("y = " + "-" * 10_000 + "x", "nests deeper than"),
        ("y = " + "x**" * 5_000 + "x", "nests deeper than"),
        ("y = " + " + ".join(["x"] * 300), "nests deeper than"),
        ("y = x\n" * 200_000, "the limit is 100,000"),
        ("y = 9**9**9**9 * x", "overflows"),
        ("y = 1" + "0" * 400 + " * x", "not finite"),
    ],
    ids=["paren-nest", "unary-nest", "power-chain", "long-sum", "1MB", "huge-power", "huge-literal"],
)
def test_hostile_inputs_fail_fast_with_dslerror(text: str, words: str) -> None:
    start = time.perf_counter()
    with pytest.raises(DSLError, match=words):
        dsl.parse(text)(x=1.5)
    assert time.perf_counter() - start < 5.0  # generous: the point is "never a hang", not a speed target


_SOUP = st.lists(
    st.sampled_from(["x", "y", "z", "=", "+", "-", "*", "/", "**", "^", "(", ")", ",", ";", "\n", "1", "2.5",
                     "1e3", "exp", "log", "max", "sum", "leaky_relu", "#", ".", "[", "'", "__class__", " ",
                     "\u00b2", "\u0663", "\x0c", "\u2028", "\r", "\u2212", "1e999", "inf", "nan", "lambda",
                     "elu", "x.", ".5", "-", "0"]),
    max_size=40,
).map("".join)


@given(st.one_of(st.text(max_size=80), _SOUP))
def test_fuzz_only_dslerror_escapes(text: str) -> None:
    start = time.perf_counter()
    try:
        program = dsl.parse(text)
        program({name: 0.7 for name in program.inputs})
        assert dsl.parse(str(program)) == program  # whatever parses, round-trips
    except DSLError as exc:
        assert str(exc) and isinstance(exc.line, int) and isinstance(exc.column, int)
    assert time.perf_counter() - start < 2.0


def test_parse_bindings() -> None:
    assert dsl.parse_bindings("x=2 w=-3") == {"x": 2.0, "w": -3.0}
    assert dsl.parse_bindings(["x=2", "b=1e-3"]) == {"x": 2.0, "b": 0.001}
    for bad, column in (("x", 1), ("x=abc", 1), ("a=1 2x=1", 5), ("x=inf", 1), ("x=1 x=2", 5), ("=3", 1),
                        ("x=1_0", 1), ("x=nan", 1)):
        with pytest.raises(DSLError) as info:
            dsl.parse_bindings(bad)
        assert (info.value.line, info.value.column) == (1, column), bad
        assert str(info.value).splitlines()[2].index("^") - 2 == column - 1
    with pytest.raises(DSLError, match=r"'x' \(for w\) is not a number"):
        dsl.parse_bindings(["x=1", "w=x"])


def test_programs_build_tensor_graphs_from_arrays() -> None:
    np = pytest.importorskip("numpy")
    pytest.importorskip("autograd.tensor")
    g = dsl.parse("y = tanh(w * x + b)\nL = sum(y)")
    x = np.array([0.5, -1.0, 2.0])
    out = g(w=np.full(3, 0.3), x=x, b=np.zeros(3))
    out["L"].backward()
    assert out["w"].grad == pytest.approx(x * (1 - np.tanh(0.3 * x) ** 2))
    scalar = g(w=0.3, x=0.5, b=0.0)
    assert isinstance(scalar["L"], Value)


def test_round_trip_keeps_declarations_in_place_and_programs_compare_by_text() -> None:
    p = dsl.parse("y = a*x  # x declared below\nx = -3\nq = y^2")
    assert p.inputs == ("a", "x") and p.defaults == {"x": -3.0}
    assert str(p) == "y = a * x\nx = -3.0\nq = y ** 2.0\n"
    q = dsl.parse(str(p))
    assert q == p and hash(q) == hash(p) and q.inputs == p.inputs and q.defaults == p.defaults
    assert dsl.parse("y = a*x\nx = 2\nq = y^2") != p


def test_call_errors_point_at_the_text() -> None:
    g = dsl.parse("z = w*x + b\ny = tanh(z)")
    err = _error("z = w*x + b\ny = tanh(z)", w=1.0, x=2.0)
    assert (err.line, err.column) == (1, 11) and "missing value for input 'b'" in str(err)
    with pytest.raises(DSLError, match="'z' is an output") as info:
        g(w=1.0, x=2.0, b=0.0, z=1.0)
    assert (info.value.line, info.value.column) == (1, 1)
    with pytest.raises(DSLError, match="did you mean 'w'"):
        g(ww=1.0, x=2.0, b=0.0)
    with pytest.raises(DSLError, match="given both"):
        g({"w": 1.0}, w=2.0, x=0.0, b=0.0)
    for bad in (math.nan, math.inf, True, "1"):
        with pytest.raises(DSLError, match="input 'x'") as info:
            g(w=1.0, x=bad, b=0.0)
        assert (info.value.line, info.value.column) == (1, 7)


def test_domain_errors_at_call_time_name_the_operation() -> None:
    g = dsl.parse("a = x - 1\ny = 2 * log(a)")
    with pytest.raises(DSLError) as info:
        g(x=1.0)
    err = info.value
    assert isinstance(err.__cause__, DomainError) and err.__cause__.op == "log"
    assert (err.line, err.column) == (2, 9)
    assert str(err).splitlines()[2] == "          ^^^"
    assert g(x=3.0)["y"].data == pytest.approx(2 * math.log(2.0))  # the program is unharmed


def test_values_and_tensors_passed_in_are_used_as_they_are() -> None:
    np = pytest.importorskip("numpy")
    from autograd.tensor import Tensor

    w = Value(0.5, name="weight")
    out = dsl.parse("y = w * x\nc = w")(w=w, x=3.0)
    out["y"].backward()
    assert out["w"] is w and w.name == "weight" and w.grad == 3.0
    assert out["c"] is not w and out["c"].name == "c"
    t = Tensor(np.array([1.0, 2.0]))
    out = dsl.parse("L = sum(t * s)")(t=t, s=2.0)  # a number next to an array becomes a Tensor
    out["L"].backward()
    assert isinstance(out["s"], Tensor) and t.name == "t"
    assert t.grad == pytest.approx([2.0, 2.0]) and float(out["s"].grad) == pytest.approx(3.0)
    with pytest.raises(DSLError, match="is a Value, but other inputs are arrays"):
        dsl.parse("y = a * b")(a=Value(1.0), b=np.ones(2))
