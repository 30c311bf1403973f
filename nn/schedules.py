"""Learning-rate schedules: the rate as a function of how many steps the optimizer has taken.

A schedule is a small frozen object that an optimizer calls before every step::

    opt = nn.Adam(model.parameters(), lr=0.01, schedule=nn.CosineLR(total_steps=1000))

Step ``t`` (counting from 0) uses the rate ``schedule(lr, t)``, and ``opt.lr`` always shows the
rate the next step will use. Schedules count optimizer steps, not epochs: for a rate that
changes once per epoch, give the sizes in steps (``StepLR(step_size=10 * len(loader))``).

A schedule keeps no counter of its own: the optimizer's step count ``t`` is its position, so an
optimizer's saved state (:mod:`nn.checkpoint`) resumes the schedule where it stopped. With
base rate ``a`` (the optimizer's ``lr``):

===================================  ==============================================================
``StepLR(step_size, gamma=0.1)``      ``a * gamma ** (t // step_size)``
``ExponentialLR(gamma)``              ``a * gamma ** t``
``CosineLR(total_steps, min_lr=0)``   ``min_lr + (a - min_lr) (1 + cos(pi min(t, T) / T)) / 2``
``WarmupLR(steps, start_factor,``     ``a * (start_factor + (1 - start_factor) t / steps)`` while
``then=None)``                        ``t < steps``, then ``then`` from its own step 0 (or ``a``)
===================================  ==============================================================

These are PyTorch's ``StepLR``, ``ExponentialLR``, ``CosineAnnealingLR`` (``T_max``, ``eta_min``)
and ``LinearLR`` warm-up chained with ``SequentialLR``, stepped once per optimizer step, in
closed form. One difference: after ``total_steps`` the cosine rate stays at ``min_lr``, where
PyTorch's climbs back up the next half period.

A schedule of your own is a frozen dataclass subclass of :class:`Schedule` with a ``rate``
method; its fields (numbers, or another schedule) are what a checkpoint saves.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, ClassVar

__all__ = ["Schedule", "StepLR", "ExponentialLR", "CosineLR", "WarmupLR", "schedule_from_state"]


@dataclasses.dataclass(frozen=True)
class Schedule:
    """Base class: ``schedule(base_lr, step)`` is the learning rate of step ``step`` (from 0)."""

    _kinds: ClassVar[dict[str, type[Schedule]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Saved files name a schedule by its class; only classes registered here can be rebuilt,
        # so reading a checkpoint never imports or runs anything it names.
        super().__init_subclass__(**kwargs)
        Schedule._kinds[cls.__name__] = cls

    def rate(self, base_lr: float, step: int) -> float:
        """The learning rate of step ``step``; subclasses define it."""
        raise NotImplementedError

    def __call__(self, base_lr: float, step: int) -> float:
        return float(self.rate(base_lr, step))

    def state_dict(self) -> dict[str, Any]:
        """The schedule as JSON-ready data: ``{"type": class name, field: value, ...}``."""
        state: dict[str, Any] = {"type": type(self).__name__}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            state[f.name] = value.state_dict() if isinstance(value, Schedule) else value
        return state


def schedule_from_state(state: Any) -> Schedule | None:
    """Rebuild a schedule from :meth:`Schedule.state_dict` data (``None`` stays ``None``).

    Raises ``ValueError`` for an unknown type, unexpected fields or values the schedule refuses.
    """
    if state is None:
        return None
    if not isinstance(state, dict) or state.get("type") not in Schedule._kinds:
        known = ", ".join(sorted(Schedule._kinds))
        raise ValueError(f"not a known schedule ({known}): {state!r}")
    cls = Schedule._kinds[state["type"]]
    fields = {f.name for f in dataclasses.fields(cls)}
    values = {k: v for k, v in state.items() if k != "type"}
    if not set(values) <= fields:
        raise ValueError(f"{cls.__name__} has no field {', '.join(sorted(set(values) - fields))}")
    if isinstance(values.get("then"), dict):
        values["then"] = schedule_from_state(values["then"])
    return cls(**values)


@dataclasses.dataclass(frozen=True)
class StepLR(Schedule):
    """Multiply the rate by ``gamma`` every ``step_size`` steps (PyTorch's ``StepLR``)."""

    step_size: int
    gamma: float = 0.1

    def __post_init__(self) -> None:
        _count("step_size", self.step_size)
        _positive("gamma", self.gamma)

    def rate(self, base_lr: float, step: int) -> float:
        return base_lr * self.gamma ** (step // self.step_size)


@dataclasses.dataclass(frozen=True)
class ExponentialLR(Schedule):
    """Multiply the rate by ``gamma`` every step (PyTorch's ``ExponentialLR``)."""

    gamma: float

    def __post_init__(self) -> None:
        _positive("gamma", self.gamma)

    def rate(self, base_lr: float, step: int) -> float:
        return base_lr * self.gamma**step


@dataclasses.dataclass(frozen=True)
class CosineLR(Schedule):
    """Half a cosine from the base rate down to ``min_lr`` over ``total_steps``, then ``min_lr``.

    PyTorch's ``CosineAnnealingLR(T_max=total_steps, eta_min=min_lr)`` up to ``total_steps``.
    """

    total_steps: int
    min_lr: float = 0.0

    def __post_init__(self) -> None:
        _count("total_steps", self.total_steps)
        _number("min_lr", self.min_lr, "a number >= 0", lambda v: v >= 0)

    def rate(self, base_lr: float, step: int) -> float:
        done = min(step, self.total_steps) / self.total_steps
        return self.min_lr + (base_lr - self.min_lr) * (1 + math.cos(math.pi * done)) / 2


@dataclasses.dataclass(frozen=True)
class WarmupLR(Schedule):
    """Climb linearly from ``start_factor`` times the base rate to the base rate in ``steps``.

    Then follow ``then`` (another schedule, started at its own step 0), or keep the base rate.
    PyTorch: ``LinearLR(start_factor, total_iters=steps)``, chained to ``then`` by
    ``SequentialLR(milestones=[steps])``. Warm-up keeps Adam's first, noisy steps small.
    """

    steps: int
    start_factor: float = 0.1
    then: Schedule | None = None

    def __post_init__(self) -> None:
        _count("steps", self.steps)
        _number("start_factor", self.start_factor, "in (0, 1]", lambda v: 0 < v <= 1)
        if self.then is not None and not isinstance(self.then, Schedule):
            raise TypeError(f"then must be a Schedule or None, got {type(self.then).__name__}")

    def rate(self, base_lr: float, step: int) -> float:
        if step < self.steps:
            return base_lr * (self.start_factor + (1 - self.start_factor) * step / self.steps)
        return self.then(base_lr, step - self.steps) if self.then is not None else base_lr


def _number(name: str, value: Any, rule: str, ok: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not ok(value):
        raise ValueError(f"{name} must be {rule}, got {value!r}")


def _positive(name: str, value: Any) -> None:
    _number(name, value, "a positive number", lambda v: v > 0)


def _count(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
