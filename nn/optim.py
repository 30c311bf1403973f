"""Optimizers, with the update rules exactly as note 002 writes them.

Each optimizer holds a list of parameters (``Value`` s or ``Tensor`` s, mixed if you like),
reads their ``.grad`` and rewrites their ``.data`` under ``no_grad``, so the update itself is
never part of a graph. The same line of arithmetic serves a float and a numpy array.

With ``g`` the gradient and ``alpha`` the learning rate:

=========  ================================================================================
SGD        ``x <- x - alpha g``
Momentum   ``v <- beta v - alpha g;  x <- x + v``
AdaGrad    ``h <- h + g*g;  x <- x - alpha / (sqrt(h) + eps) * g``
RMSProp    ``h <- decay h + (1 - decay) g*g;  x <- x - alpha / sqrt(h + eps) * g``
Adam       ``m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g*g;``
           ``x <- x - alpha / sqrt(v / (1 - b2^t) + eps) * m / (1 - b1^t)``
=========  ================================================================================

The notes put ``eps`` outside the root for AdaGrad and inside it for RMSProp and Adam; PyTorch
puts it outside for all three, so the two agree exactly at ``eps=0``.

Regularization as optimizer options: ``weight_decay=c`` adds ``c * x`` to the gradient (the
notes' L2 term ``lambda/(2m) ||W||^2`` has gradient ``(lambda/m) W``, so ``c = lambda/m``);
``l1=c`` adds ``c * sign(x)`` (the gradient of ``c * |x|``).

A learning-rate schedule (:mod:`nn.schedules`) is an option too: ``schedule=nn.StepLR(100)``
sets ``alpha`` before every step from the base rate ``lr`` and the step count. With a changing
``alpha``, Momentum's ``v`` keeps the rates it was built with, where PyTorch's SGD momentum
(``b <- beta b + g;  x <- x - alpha b``) applies the new rate to the whole velocity.

:meth:`Optimizer.state_dict` and :meth:`Optimizer.load_state_dict` hold everything a resumed run
needs to continue bit for bit: the step count, the rates, the hyperparameters, the schedule and
each parameter's state (velocity, accumulated squares, moments); :mod:`nn.checkpoint` saves it
beside the model in one ``.npz`` file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

import numpy as np

from autograd.engine import Node, no_grad
from nn.module import StateDictError
from nn.schedules import Schedule, schedule_from_state

__all__ = ["Optimizer", "SGD", "Momentum", "AdaGrad", "RMSProp", "Adam"]


def _number(name: str, value: float, ok: bool, rule: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not ok:
        raise ValueError(f"{name} must be {rule}, got {value!r}")
    return float(value)


def _positive(name: str, value: float) -> float:
    return _number(name, value, isinstance(value, (int, float)) and value > 0, "a positive number")


def _nonnegative(name: str, value: float) -> float:
    return _number(name, value, isinstance(value, (int, float)) and value >= 0, "a number >= 0")


def _fraction(name: str, value: float) -> float:
    return _number(name, value, isinstance(value, (int, float)) and 0 <= value < 1, "in [0, 1)")


Rule = Callable[[str, float], float]


class Optimizer:
    """Base class: keeps the parameters, applies :meth:`update` to each in :meth:`step`.

    Args:
        params: the parameters to train (e.g. ``model.parameters()``).
        lr: the learning rate ``alpha`` (> 0); with a schedule, its base rate.
        weight_decay: L2 coefficient ``c``: the gradient gets ``+ c * x``.
        l1: L1 coefficient ``c``: the gradient gets ``+ c * sign(x)``.
        schedule: a :class:`nn.schedules.Schedule` that sets ``lr`` before every step from the
            base rate and the step count (``None``: ``lr`` stays as it is, or as you set it).
    """

    hyperparameters: ClassVar[dict[str, Rule]] = {"weight_decay": _nonnegative, "l1": _nonnegative}
    """The hyperparameters besides the rate (attribute names) and the check each value passes."""
    state_keys: ClassVar[tuple[str, ...]] = ()
    """The names of the per-parameter state entries (Momentum's ``v``, Adam's ``m`` and ``v``)."""

    weight_decay: float
    l1: float

    def __init__(
        self,
        params: Iterable[Node],
        lr: float,
        *,
        weight_decay: float = 0.0,
        l1: float = 0.0,
        schedule: Schedule | None = None,
    ) -> None:
        self.params: list[Node] = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        for i, p in enumerate(self.params):
            if not isinstance(p, Node):
                raise TypeError(f"parameter {i} is a {type(p).__name__}, not a Value or Tensor")
            if not p.is_leaf:
                raise ValueError(
                    f"parameter {i} ({p.name or p.op}) is the result of an op, not a leaf: "
                    "an optimizer can only update leaves"
                )
        if schedule is not None and not isinstance(schedule, Schedule):
            raise TypeError(f"schedule must be an nn.schedules.Schedule, got {type(schedule).__name__}")
        self.base_lr = _positive("lr", lr)
        """The rate given as ``lr``: where the schedule starts from."""
        self.lr = self.base_lr
        """The rate the next step uses (set by the schedule, if there is one, after every step)."""
        self._set_hyperparameters(weight_decay=weight_decay, l1=l1)
        self.schedule = schedule
        self.t = 0
        """The number of steps taken so far (Adam's bias correction and the schedule use it)."""
        self.state: list[dict[str, Any]] = [{} for _ in self.params]
        """Per-parameter state (velocity, accumulated squares...), same order as ``params``."""
        self._follow_schedule()

    def _set_hyperparameters(self, **values: float) -> None:
        for name, value in values.items():
            setattr(self, name, self.hyperparameters[name](name, value))

    def _follow_schedule(self) -> None:
        if self.schedule is not None:
            self.lr = self.schedule(self.base_lr, self.t)

    def zero_grad(self) -> None:
        """Reset every parameter's gradient to zero."""
        for p in self.params:
            p.grad = p._zero(False)

    def step(self) -> None:
        """Update every parameter once from its current ``.grad``."""
        grads = [self._gradient(i, p) for i, p in enumerate(self.params)]  # check all first
        self.t += 1
        with no_grad():
            for p, g, state in zip(self.params, grads, self.state):
                new = self.update(p.data, g, state)
                if isinstance(p.data, np.ndarray):
                    p.data = np.asarray(new, dtype=p.data.dtype)
                else:
                    p.data = float(new)
        self._follow_schedule()

    def _gradient(self, i: int, p: Node) -> Any:
        g = p.grad
        if isinstance(g, Node):  # a gradient built with create_graph: use its number
            g = g.data
        if g is None:
            raise ValueError(f"parameter {i} ({p.name or 'unnamed'}) has no gradient: call backward() first")
        if np.shape(g) != np.shape(p.data):
            raise ValueError(
                f"parameter {i} ({p.name or 'unnamed'}) has data of shape {np.shape(p.data)} "
                f"but a gradient of shape {np.shape(g)}"
            )
        if self.weight_decay:
            g = g + self.weight_decay * p.data
        if self.l1:
            g = g + self.l1 * np.sign(p.data)
        return g

    def update(self, x: Any, g: Any, state: dict[str, Any]) -> Any:
        """The new value of one parameter ``x`` from its gradient ``g``; subclasses define it."""
        raise NotImplementedError

    # -- state ------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Everything needed to resume: numbers and names, and numpy copies of per-parameter state.

        ``{"optimizer": class name, "t", "lr", "base_lr", "hyperparameters": {name: value},
        "schedule": its state_dict() or None, "shapes": [each parameter's shape],
        "state": [{key: array} per parameter]}``; a ``Value`` 's state entries are 0-d arrays.
        Later steps do not change the returned arrays.
        """
        return {
            "optimizer": type(self).__name__,
            "t": self.t,
            "lr": self.lr,
            "base_lr": self.base_lr,
            "hyperparameters": {name: getattr(self, name) for name in self.hyperparameters},
            "schedule": None if self.schedule is None else self.schedule.state_dict(),
            "shapes": [list(np.shape(p.data)) for p in self.params],
            "state": [{k: np.array(v) for k, v in s.items()} for s in self.state],
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Continue from ``state`` (as returned by :meth:`state_dict`), bit for bit.

        The step count, rates, hyperparameters and schedule come from ``state``, whatever this
        optimizer was built with (as PyTorch's ``load_state_dict`` does). Everything is checked
        first: another optimizer type, other parameter counts or shapes, or bad values raise
        :class:`nn.StateDictError` and change nothing.
        """
        self._apply_state(self._check_state(state))

    def _check_state(self, state: Mapping[str, Any]) -> dict[str, Any]:
        """The attributes ``state`` sets, all checked; raises :class:`StateDictError` if it does not fit."""
        name = type(self).__name__

        def misfit(problem: str) -> StateDictError:
            return StateDictError(f"optimizer state does not fit this {name}: {problem}")

        if not isinstance(state, Mapping) or "optimizer" not in state:
            raise misfit("it is not an optimizer's state_dict()")
        if state["optimizer"] != name:
            raise misfit(f"it was saved from {state['optimizer']}, not {name}")
        missing = [k for k in ("t", "lr", "base_lr", "hyperparameters", "schedule", "shapes", "state")
                   if k not in state]
        if missing:
            raise misfit(f"missing {', '.join(missing)}")
        try:  # a damaged file can hold anything: refuse what is not lists of ints and mappings
            shapes = [tuple(int(n) for n in s) for s in state["shapes"]]
            states: list[Mapping[str, Any]] = list(state["state"])
            hyper = dict(state["hyperparameters"])
        except (TypeError, ValueError):
            raise misfit("its shapes, state or hyperparameters are not lists and mappings") from None
        if not all(isinstance(entries, Mapping) for entries in states):
            raise misfit("a parameter's state is not a mapping")
        if len(shapes) != len(self.params) or len(states) != len(self.params):
            raise misfit(f"it holds {len(shapes)} parameters, this optimizer has {len(self.params)}")
        problems = [f"parameter {i} has shape {np.shape(p.data)} here, {shape} in the state"
                    for i, (p, shape) in enumerate(zip(self.params, shapes)) if np.shape(p.data) != shape]
        if problems:
            raise misfit("; ".join(problems))
        t = state["t"]
        if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or t < 0:
            raise misfit(f"the step count must be an integer >= 0, got {t!r}")
        if set(hyper) != set(self.hyperparameters):
            raise misfit(f"hyperparameters {sorted(hyper)}, expected {sorted(self.hyperparameters)}")
        try:
            checked: dict[str, Any] = {k: rule(k, hyper[k]) for k, rule in self.hyperparameters.items()}
            checked.update(t=int(t), lr=_nonnegative("lr", state["lr"]),
                           base_lr=_positive("base_lr", state["base_lr"]),
                           schedule=schedule_from_state(state["schedule"]))
        except (ValueError, TypeError) as exc:
            raise misfit(str(exc)) from None
        checked["state"] = [self._check_entries(i, entries, misfit) for i, entries in enumerate(states)]
        return checked

    def _check_entries(self, i: int, entries: Mapping[str, Any],
                       misfit: Callable[[str], StateDictError]) -> dict[str, Any]:
        """One parameter's state, checked and converted to the parameter's kind (float or array)."""
        unknown = [k for k in entries if k not in self.state_keys]
        if unknown:
            raise misfit(f"parameter {i}'s state has {', '.join(unknown)}; a {type(self).__name__} keeps "
                         f"{', '.join(self.state_keys) or 'no state'}")
        p = self.params[i]
        out: dict[str, Any] = {}
        for key, value in entries.items():
            arr = np.asarray(value)
            if arr.dtype.kind != "f" or arr.shape != np.shape(p.data):
                raise misfit(f"parameter {i}'s {key} is {arr.dtype} of shape {arr.shape}, "
                             f"not floats of shape {np.shape(p.data)}")
            out[key] = arr.copy() if isinstance(p.data, np.ndarray) else float(arr)
        return out

    def _apply_state(self, checked: Mapping[str, Any]) -> None:
        for key, value in checked.items():
            setattr(self, key, value)

    def __repr__(self) -> str:
        schedule = f", schedule={self.schedule}" if self.schedule is not None else ""
        return f"{type(self).__name__}(lr={self.lr:g}{schedule}, {len(self.params)} parameters)"


class SGD(Optimizer):
    """Gradient descent: ``x <- x - alpha g`` (on mini-batches: stochastic gradient descent)."""

    def update(self, x: Any, g: Any, state: dict[str, Any]) -> Any:
        return x - self.lr * g


class Momentum(Optimizer):
    """Momentum: ``v <- beta v - alpha g;  x <- x + v`` (note 002; ``beta`` around 0.9).

    The velocity remembers past steps, so the iterate rolls through flat spots and shallow
    local minima where plain gradient descent stops.
    """

    hyperparameters = {**Optimizer.hyperparameters, "beta": _fraction}
    state_keys = ("v",)
    beta: float

    def __init__(self, params: Iterable[Node], lr: float, beta: float = 0.9, **options: Any) -> None:
        super().__init__(params, lr, **options)
        self._set_hyperparameters(beta=beta)

    def update(self, x: Any, g: Any, state: dict[str, Any]) -> Any:
        v = self.beta * state.get("v", 0.0) - self.lr * g
        state["v"] = v
        return x + v


class AdaGrad(Optimizer):
    """AdaGrad: ``h <- h + g*g;  x <- x - alpha / (sqrt(h) + eps) * g``.

    Each coordinate's step shrinks with its own accumulated squared gradients.
    """

    hyperparameters = {**Optimizer.hyperparameters, "eps": _nonnegative}
    state_keys = ("h",)
    eps: float

    def __init__(self, params: Iterable[Node], lr: float, eps: float = 1e-7, **options: Any) -> None:
        super().__init__(params, lr, **options)
        self._set_hyperparameters(eps=eps)

    def update(self, x: Any, g: Any, state: dict[str, Any]) -> Any:
        h = state.get("h", 0.0) + g * g
        state["h"] = h
        return x - self.lr / (np.sqrt(h) + self.eps) * g


class RMSProp(Optimizer):
    """RMSProp: ``h <- decay h + (1 - decay) g*g;  x <- x - alpha / sqrt(h + eps) * g``.

    Like AdaGrad, but old squared gradients fade geometrically, so steps do not vanish.
    """

    hyperparameters = {**Optimizer.hyperparameters, "decay": _fraction, "eps": _nonnegative}
    state_keys = ("h",)
    decay: float
    eps: float

    def __init__(
        self, params: Iterable[Node], lr: float, decay: float = 0.99, eps: float = 1e-8, **options: Any
    ) -> None:
        super().__init__(params, lr, **options)
        self._set_hyperparameters(decay=decay, eps=eps)

    def update(self, x: Any, g: Any, state: dict[str, Any]) -> Any:
        h = self.decay * state.get("h", 0.0) + (1.0 - self.decay) * g * g
        state["h"] = h
        return x - self.lr / np.sqrt(h + self.eps) * g


class Adam(Optimizer):
    """Adam: momentum's first moment and RMSProp's second, both bias-corrected.

    ``m <- b1 m + (1 - b1) g``, ``v <- b2 v + (1 - b2) g*g``, ``m^ = m / (1 - b1^t)``,
    ``v^ = v / (1 - b2^t)``, ``x <- x - alpha / sqrt(v^ + eps) * m^``; the corrections undo the
    pull towards the zero initial moments in the first steps.
    """

    hyperparameters = {**Optimizer.hyperparameters, "beta1": _fraction, "beta2": _fraction, "eps": _nonnegative}
    state_keys = ("m", "v")
    beta1: float
    beta2: float
    eps: float

    def __init__(
        self,
        params: Iterable[Node],
        lr: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        **options: Any,
    ) -> None:
        super().__init__(params, lr, **options)
        self._set_hyperparameters(beta1=beta1, beta2=beta2, eps=eps)

    def update(self, x: Any, g: Any, state: dict[str, Any]) -> Any:
        m = self.beta1 * state.get("m", 0.0) + (1.0 - self.beta1) * g
        v = self.beta2 * state.get("v", 0.0) + (1.0 - self.beta2) * g * g
        state["m"], state["v"] = m, v
        m_hat = m / (1.0 - self.beta1**self.t)
        v_hat = v / (1.0 - self.beta2**self.t)
        return x - self.lr / np.sqrt(v_hat + self.eps) * m_hat
