"""Grad mode, anomaly mode and scopes belong to the thread; backward passes in threads are exact.

The oracle is always the same work done serially in one thread: threads that train separate
models must reach the serial run's parameters bit for bit. Python switches threads every 5 ms
by default; the tests switch every 10 µs, so that threads interleave inside ops and passes.
"""

from __future__ import annotations

import functools
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

import nn
from autograd import Scope, Tensor, Value, backprop, current_scope, detect_anomaly, grad, is_grad_enabled, no_grad
from autograd.engine import enable_grad
from autograd.errors import AnomalyError
from nn import losses

WAIT = 10.0  # seconds any event may take before a test gives up (never reached when it passes)


@pytest.fixture(autouse=True)
def _switch_often() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _in_threads(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run each job in a thread of its own, all started together; their results, or raise the
    first error one of them raised."""
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []
    start = threading.Barrier(len(jobs))

    def run(i: int) -> None:
        try:
            start.wait(WAIT)
            results[i] = jobs[i]()
        except BaseException as exc:  # handed to the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    if errors:
        raise errors[0]
    return results


def _train_tensor_mlp(seed: int, steps: int = 60) -> tuple[list[np.ndarray], int]:
    """Train a small Tensor MLP; its final parameters and how many losses were leaves."""
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(16, 3)), rng.normal(size=(16, 1))
    model = nn.Sequential(nn.Linear(3, 8, seed=seed), nn.Tanh(), nn.Linear(8, 1, seed=seed + 100))
    opt = nn.SGD(model.parameters(), lr=0.05)
    leaves = 0
    for _ in range(steps):
        opt.zero_grad()
        loss = losses.mse(model(Tensor(X)), y)
        leaves += loss.is_leaf
        if not loss.is_leaf:
            loss.backward()
        opt.step()
    return [p.data.copy() for p in model.parameters()], leaves


def _train_scalar_mlp(seed: int, steps: int = 15) -> tuple[list[float], int]:
    """Train a small scalar (Value) MLP; its final parameters and how many losses were leaves."""
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(6, 2)).tolist(), rng.normal(size=6).tolist()
    model = nn.MLP(2, [4, 1], seed=seed)
    opt = nn.SGD(model.parameters(), lr=0.05)
    leaves = 0
    for _ in range(steps):
        opt.zero_grad()
        loss = losses.mse([model(x) for x in X], y)
        leaves += loss.is_leaf
        if not loss.is_leaf:
            loss.backward()
        opt.step()
    return [p.data for p in model.parameters()], leaves


def _same(a: list[Any], b: list[Any]) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


@pytest.mark.parametrize("train", [_train_tensor_mlp, _train_scalar_mlp], ids=["tensor", "scalar"])
def test_threads_training_separate_models_reach_the_serial_results(train: Callable[[int], Any]) -> None:
    seeds = [1, 2, 3, 4]
    serial = [train(s) for s in seeds]
    assert all(leaves == 0 for _, leaves in serial)
    threaded = _in_threads([functools.partial(train, s) for s in seeds])
    for (params, leaves), (expected, _) in zip(threaded, serial):
        assert leaves == 0  # every step recorded its graph
        assert _same(params, expected)


def test_an_evaluation_thread_under_no_grad_does_not_stop_trainers() -> None:
    seeds = [5, 6, 7]
    serial = [_train_tensor_mlp(s) for s in seeds]
    done = threading.Event()
    evaluated: list[bool] = []

    def evaluate() -> None:
        model = nn.Sequential(nn.Linear(3, 4, seed=0), nn.Tanh())
        x = Tensor(np.ones((2, 3)))
        while not done.is_set():
            with no_grad():
                evaluated.append(model(x).is_leaf and not is_grad_enabled())

    def train(seed: int) -> Any:
        return _train_tensor_mlp(seed)

    evaluator = threading.Thread(target=evaluate)
    evaluator.start()
    try:
        threaded = _in_threads([functools.partial(train, s) for s in seeds])
    finally:
        done.set()
        evaluator.join(WAIT)
    assert evaluated and all(evaluated)  # the evaluator itself recorded nothing, every time
    for (params, leaves), (expected, _) in zip(threaded, serial):
        assert leaves == 0 and _same(params, expected)


def test_another_threads_no_grad_block_leaves_this_thread_recording() -> None:
    # the repro: thread A waits inside no_grad(); this thread builds and differentiates
    inside, release = threading.Event(), threading.Event()

    def hold_no_grad() -> None:
        with no_grad():
            inside.set()
            release.wait(WAIT)

    holder = threading.Thread(target=hold_no_grad)
    holder.start()
    try:
        assert inside.wait(WAIT)
        x = Value(3.0)
        y = x * x
        assert is_grad_enabled() and not y.is_leaf
        y.backward()
        assert x.grad == 6.0
    finally:
        release.set()
        holder.join(WAIT)


def test_grad_mode_is_on_after_threads_that_switched_it_end() -> None:
    # A no_grad() block of another thread that opens while this thread's backward pass runs
    # (the pass turns recording off while it runs) and closes after it: with one process-wide
    # mode, the block saved the pass's "off" and put it back on the way out, for good.
    entered, leave = threading.Event(), threading.Event()

    def evaluate() -> None:
        with no_grad():
            entered.set()
            leave.wait(WAIT)

    evaluator = threading.Thread(target=evaluate)
    x = Value(2.0)

    def in_the_pass(*_: Any) -> None:
        if not evaluator.is_alive():
            evaluator.start()
            assert entered.wait(WAIT)

    backprop(x * x + x, observe=in_the_pass)
    leave.set()
    evaluator.join(WAIT)
    assert is_grad_enabled() and not (x * x).is_leaf
    assert _in_threads([is_grad_enabled, lambda: not (x * x).is_leaf]) == [True, True]


def test_a_new_thread_starts_with_the_defaults_whatever_this_one_has_switched() -> None:
    def look() -> tuple[bool, Any, bool]:
        x = Tensor(np.array([1e308, 0.0]))
        try:
            with np.errstate(over="ignore"):
                x * 10.0  # IEEE overflow: an error only inside detect_anomaly()
            raised = False
        except AnomalyError:
            raised = True
        return is_grad_enabled(), current_scope(), raised

    with no_grad(), Scope("mine"), detect_anomaly():
        (seen,) = _in_threads([look])
        assert not is_grad_enabled() and current_scope() is not None
    assert seen == (True, None, False)


def test_scopes_and_anomaly_checks_stay_in_their_thread() -> None:
    in_scope, finish = threading.Event(), threading.Event()
    scopes: list[Any] = []

    def other() -> None:
        with Scope("other thread"), detect_anomaly():
            in_scope.set()
            finish.wait(WAIT)
            scopes.append(Value(1.0).scope)

    t = threading.Thread(target=other)
    t.start()
    try:
        assert in_scope.wait(WAIT)
        assert Value(1.0).scope is None and current_scope() is None
        assert (Value(1e308) * 10.0).data == float("inf")  # IEEE overflow here: no AnomalyError
    finally:
        finish.set()
        t.join(WAIT)
    assert scopes[0] is not None and scopes[0].owner == "other thread"


def test_no_grad_blocks_of_threads_may_interleave_in_any_order() -> None:
    # One shared context object: its saved modes are kept per thread, so blocks that close in
    # another order than they opened (across threads) restore each thread's own mode.
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def a() -> None:
        with enable_grad():
            with no_grad():
                a_in.set()
                assert b_in.wait(WAIT)
            seen["a"] = is_grad_enabled()
            a_out.set()

    def b() -> None:
        assert a_in.wait(WAIT)
        with no_grad():
            b_in.set()
            assert a_out.wait(WAIT)
        seen["b"] = is_grad_enabled()

    _in_threads([a, b])
    assert seen == {"a": True, "b": True} and is_grad_enabled()


def test_two_threads_differentiating_one_shared_graph_get_the_serial_gradients() -> None:
    # Two passes over one graph at once would share its nodes' scratch slots (each pass sums
    # gradients there): they take turns instead. Each pass pauses in its first step, so that,
    # without turns, each would run while the other is half done.
    w = Tensor(np.linspace(-1.0, 1.0, 6).reshape(2, 3))
    x = Tensor(np.arange(12.0).reshape(3, 4) / 10)
    loss = ((w @ x).tanh() * (w @ x)).sum()
    (expected,) = grad(loss, [w])
    a_inside, b_inside = threading.Event(), threading.Event()

    def a() -> np.ndarray:
        def pause(*_: Any) -> None:
            if not a_inside.is_set():
                a_inside.set()
                b_inside.wait(0.2)  # (when passes take turns, b cannot start: a goes on after 0.2 s)

        return backprop(loss, observe=pause)[w]

    def b() -> np.ndarray:
        def pause(*_: Any) -> None:
            if not b_inside.is_set():
                b_inside.set()
                time.sleep(0.05)

        assert a_inside.wait(WAIT)
        return backprop(loss, observe=pause)[w]

    assert all(np.array_equal(g, expected) for g in _in_threads([a, b]))


def test_threads_accumulating_into_shared_parameters_add_every_pass() -> None:
    # backward() from several threads into one pair of parameters: every pass's gradient is
    # added once, exactly as 200 passes in a row add it
    xs = [Value(2.0), Value(-1.5)]
    once = grad(xs[0] * xs[1] + xs[0].tanh(), xs)
    serial = [0.0, 0.0]
    for _ in range(200):
        serial = [s + g for s, g in zip(serial, once)]

    def train() -> None:
        for _ in range(50):
            (xs[0] * xs[1] + xs[0].tanh()).backward()

    _in_threads([train] * 4)
    assert [x.grad for x in xs] == serial


def test_two_passes_into_a_fresh_shared_parameter_lose_nothing() -> None:
    """A leaf whose new .grad is a view (here through W.T) gets a copy after the pass: another
    thread's pass must not add its gradient in between, or the copy would drop it."""
    rng = np.random.default_rng(0)
    W = Tensor(rng.standard_normal((600, 600)), name="W")
    X = rng.standard_normal((2, 600))
    (single,) = grad((Tensor(X) @ W.T).sum(), [W])
    lost = 0
    for _ in range(30):
        W.grad = None
        start = threading.Barrier(2)

        def one(start: threading.Barrier = start) -> None:
            y = (Tensor(X) @ W.T).sum()
            start.wait()
            y.backward()

        threads = [threading.Thread(target=one) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        lost += not np.array_equal(W.grad, 2 * single)
    assert lost == 0
