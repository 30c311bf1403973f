"""Learning-rate schedules: their rates against torch.optim.lr_scheduler, the optimizer driving
them, and fit recording the rate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import nn
from autograd import Value
from nn import SGD, AdaGrad, Adam, CosineLR, DataLoader, ExponentialLR, RMSProp, StepLR, WarmupLR, data, fit, losses
from nn.optim import Optimizer
from nn.schedules import Schedule, schedule_from_state

# PyTorch multiplies the previous rate by a factor at every step; the schedules use closed forms.
# The two round differently, by a few units in the last place after a hundred steps.
RTOL, ATOL = 1e-14, 1e-17

# (our schedule, PyTorch's scheduler on an optimizer `o` with the torch.optim.lr_scheduler module `L`, steps)
CASES: list[tuple[Schedule, Callable[[Any, Any], Any], int]] = [
    (StepLR(7, gamma=0.5), lambda L, o: L.StepLR(o, step_size=7, gamma=0.5), 60),
    (StepLR(3, gamma=0.3), lambda L, o: L.StepLR(o, step_size=3, gamma=0.3), 60),
    (ExponentialLR(0.97), lambda L, o: L.ExponentialLR(o, gamma=0.97), 200),
    (CosineLR(50, min_lr=0.001), lambda L, o: L.CosineAnnealingLR(o, T_max=50, eta_min=0.001), 51),
    (CosineLR(37), lambda L, o: L.CosineAnnealingLR(o, T_max=37), 38),
    (WarmupLR(10, start_factor=0.1), lambda L, o: L.LinearLR(o, start_factor=0.1, total_iters=10), 30),
    (WarmupLR(5, start_factor=0.2, then=CosineLR(40, min_lr=0.01)),
     lambda L, o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.2, total_iters=5),
                                     L.CosineAnnealingLR(o, T_max=40, eta_min=0.01)], milestones=[5]), 46),
    (WarmupLR(4, start_factor=0.25, then=StepLR(6, gamma=0.5)),
     lambda L, o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.25, total_iters=4),
                                     L.StepLR(o, step_size=6, gamma=0.5)], milestones=[4]), 40),
]
IDS = [repr(c[0]) for c in CASES]


def torch_rates(make: Callable[[Any, Any], Any], steps: int, lr: float) -> list[float]:
    """The rate each of ``steps`` optimizer steps uses, the scheduler stepped after each."""
    torch = pytest.importorskip("torch")
    x = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([x], lr=lr)
    scheduler = make(torch.optim.lr_scheduler, opt)
    rates = []
    for _ in range(steps):
        rates.append(opt.param_groups[0]["lr"])
        x.grad = torch.zeros(1, dtype=torch.float64)
        opt.step()
        scheduler.step()
    return rates


def our_rates(schedule: Schedule, steps: int, lr: float) -> list[float]:
    """The rate each step uses, read from ``opt.lr`` as the optimizer drives the schedule."""
    x = Value(0.0)
    opt = SGD([x], lr=lr, schedule=schedule)
    rates = []
    for _ in range(steps):
        rates.append(opt.lr)
        x.grad = 0.0
        opt.step()
    return rates


@pytest.mark.parametrize(("schedule", "theirs", "steps"), CASES, ids=IDS)
def test_rates_match_pytorch(schedule: Schedule, theirs: Callable[[Any, Any], Any], steps: int) -> None:
    expected = torch_rates(theirs, steps, lr=0.1)
    np.testing.assert_allclose(our_rates(schedule, steps, lr=0.1), expected, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose([schedule(0.1, t) for t in range(steps)], expected, rtol=RTOL, atol=ATOL)


def test_values_worked_by_hand() -> None:
    assert [StepLR(2, gamma=0.5)(1.0, t) for t in range(6)] == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    assert ExponentialLR(0.5)(3.0, 3) == 3.0 / 8
    cosine = CosineLR(4, min_lr=0.2)
    assert cosine(1.0, 0) == 1.0 and cosine(1.0, 2) == pytest.approx(0.6, abs=1e-15)
    assert cosine(1.0, 4) == cosine(1.0, 5) == cosine(1.0, 400) == 0.2  # stays down, unlike PyTorch's
    warm = WarmupLR(4, start_factor=0.2, then=ExponentialLR(0.5))
    assert [warm(1.0, t) for t in range(7)] == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0, 0.5, 0.25], abs=1e-15)
    assert WarmupLR(2, start_factor=0.5)(0.4, 100) == 0.4  # no `then`: the base rate


def trajectory(make: Callable[[list[Value]], Optimizer], steps: int) -> np.ndarray:
    xs = [Value(-7.0), Value(2.0), Value(0.5)]
    opt = make(xs)
    path = []
    for _ in range(steps):
        opt.zero_grad()
        (xs[0] ** 2 / 20 + xs[1] ** 2 + 3 * xs[2] ** 2).backward()
        opt.step()
        path.append([x.data for x in xs])
    return np.array(path)


def torch_trajectory(make: Callable[[Any, Any], tuple[Any, Any]], steps: int) -> np.ndarray:
    torch = pytest.importorskip("torch")
    x = torch.tensor([-7.0, 2.0, 0.5], dtype=torch.float64, requires_grad=True)
    opt, scheduler = make(torch, [x])
    path = []
    for _ in range(steps):
        opt.zero_grad()
        (x[0] ** 2 / 20 + x[1] ** 2 + 3 * x[2] ** 2).backward()
        opt.step()
        scheduler.step()
        path.append(x.detach().numpy().copy())
    return np.array(path)


def _torch(optimizer: Callable[[Any, Any], Any], scheduler: Callable[[Any, Any], Any]) -> Callable[..., Any]:
    def make(torch: Any, params: Any) -> tuple[Any, Any]:
        opt = optimizer(torch.optim, params)
        return opt, scheduler(torch.optim.lr_scheduler, opt)
    return make


# Momentum is left out on purpose: with a changing rate the notes' v <- beta v - alpha g and
# PyTorch's b <- beta b + g; x <- x - alpha b are different rules.
TRAJECTORIES: list[tuple[str, Callable[[list[Value]], Optimizer], Callable[..., Any]]] = [
    ("SGD+StepLR", lambda p: SGD(p, lr=0.3, schedule=StepLR(5, gamma=0.5)),
     _torch(lambda o, p: o.SGD(p, lr=0.3), lambda L, o: L.StepLR(o, 5, gamma=0.5))),
    ("AdaGrad+ExponentialLR", lambda p: AdaGrad(p, lr=1.5, eps=1e-10, schedule=ExponentialLR(0.95)),
     _torch(lambda o, p: o.Adagrad(p, lr=1.5, eps=1e-10), lambda L, o: L.ExponentialLR(o, 0.95))),
    ("RMSProp+CosineLR", lambda p: RMSProp(p, lr=0.3, eps=0.0, schedule=CosineLR(25, min_lr=0.01)),
     _torch(lambda o, p: o.RMSprop(p, lr=0.3, alpha=0.99, eps=0.0), lambda L, o: L.CosineAnnealingLR(o, 25, 0.01))),
    ("Adam+WarmupLR+CosineLR", lambda p: Adam(p, lr=0.3, eps=0.0, schedule=WarmupLR(5, 0.1, then=CosineLR(20))),
     _torch(lambda o, p: o.Adam(p, lr=0.3, eps=0.0),
            lambda L, o: L.SequentialLR(o, [L.LinearLR(o, 0.1, total_iters=5), L.CosineAnnealingLR(o, 20)], [5]))),
]


@pytest.mark.parametrize(("name", "ours", "theirs"), TRAJECTORIES, ids=[c[0] for c in TRAJECTORIES])
def test_scheduled_training_matches_pytorch(name: str, ours: Callable[[list[Value]], Optimizer],
                                            theirs: Callable[..., Any]) -> None:
    # 25 steps: within every cosine's total_steps, where PyTorch's rate would climb back up
    np.testing.assert_allclose(trajectory(ours, 25), torch_trajectory(theirs, 25), rtol=1e-12, atol=1e-14)


def test_the_optimizer_sets_lr_and_keeps_the_base_rate() -> None:
    x = Value(1.0)
    opt = Adam([x], lr=0.2, schedule=WarmupLR(4, start_factor=0.5))
    assert opt.lr == 0.1 and opt.base_lr == 0.2  # the rate of the first step, from construction on
    assert "schedule=WarmupLR(steps=4" in repr(opt)
    plain = SGD([x], lr=0.2)
    plain.lr = 0.05  # without a schedule the rate is yours to change, as examples/13 does
    x.grad = 1.0
    plain.step()
    assert x.data == 0.95 and plain.lr == 0.05


def test_fit_records_the_rate_of_each_epoch() -> None:
    X, y = data.moons(12, seed=0)
    model = nn.MLP(2, [3, 1], seed=0)
    loader = DataLoader(X, y, batch_size=4, seed=0)  # 3 steps an epoch
    opt = SGD(model.parameters(), lr=0.1, schedule=StepLR(step_size=2 * len(loader), gamma=0.5))
    history = fit(model, losses.hinge, opt, loader, epochs=5, progress=False)
    assert history.lr == [0.1, 0.1, 0.05, 0.05, 0.025]
    assert "lr" not in history.as_dict()  # plotted on its own axis, not beside the loss


def test_schedule_state_round_trips_and_refuses_strangers() -> None:
    schedule = WarmupLR(3, start_factor=0.5, then=CosineLR(10, min_lr=0.001))
    state = schedule.state_dict()
    assert state == {"type": "WarmupLR", "steps": 3, "start_factor": 0.5,
                     "then": {"type": "CosineLR", "total_steps": 10, "min_lr": 0.001}}
    assert schedule_from_state(state) == schedule and schedule_from_state(None) is None
    with pytest.raises(ValueError, match="not a known schedule"):
        schedule_from_state({"type": "os.system"})
    with pytest.raises(ValueError, match="StepLR has no field size"):
        schedule_from_state({"type": "StepLR", "step_size": 2, "size": 3})


@pytest.mark.parametrize(("make", "message"), [
    (lambda: StepLR(0), "step_size must be a positive integer"),
    (lambda: StepLR(2.5), "step_size must be a positive integer"),  # type: ignore[arg-type]
    (lambda: ExponentialLR(0.0), "gamma must be a positive number"),
    (lambda: CosineLR(10, min_lr=-1.0), "min_lr must be a number >= 0"),
    (lambda: WarmupLR(5, start_factor=0.0), r"start_factor must be in \(0, 1\]"),
    (lambda: WarmupLR(5, then=0.5), "then must be a Schedule"),  # type: ignore[arg-type]
    (lambda: SGD([Value(1.0)], lr=0.1, schedule=lambda lr, t: lr), "schedule must be an nn.schedules.Schedule"),  # type: ignore[arg-type]
])
def test_bad_settings_are_refused(make: Callable[[], Any], message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        make()
