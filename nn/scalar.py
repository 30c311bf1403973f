"""Networks of scalar ``Value`` s, where every weight is a node you can see (as in micrograd).

``Neuron`` computes ``a = g(w . x + b)`` (note 001: ``z = w^T x + b``, ``a = sigma(z)``), a
``Layer`` is a list of neurons reading the same input, an ``MLP`` a list of layers. Parameter
names follow the attributes: ``layers.0.neurons.3.w.1`` is weight 1 of neuron 3 of layer 0.

Each module takes one example (a sequence of numbers or ``Value`` s) and returns a ``Value``
(or a list of them); given a batch (a 2-D numpy array, or a list of examples) it returns one
result per example.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from autograd.value import Value, sum_
from nn import activations, init
from nn.init import Initializer, Seed
from nn.module import Module

__all__ = ["Neuron", "Layer", "MLP"]

ActivationSpec = str | Callable[[Any], Any] | None


def _is_batch(x: Any) -> bool:
    if isinstance(x, np.ndarray):
        return x.ndim == 2
    return isinstance(x, (list, tuple)) and bool(x) and isinstance(x[0], (list, tuple, np.ndarray))


def _rows(x: Any) -> Any:
    # Python floats, not numpy scalars: Value arithmetic on floats takes the fast path.
    return x.tolist() if isinstance(x, np.ndarray) else x


def _check_width(x: Sequence[Any], nin: int, who: str) -> None:
    if len(x) != nin:
        raise ValueError(f"{who} takes {nin} inputs, got {len(x)}")


class Neuron(Module):
    """One unit: ``activation(w . x + b)`` with ``nin`` weights ``w`` and a bias ``b``.

    Args:
        nin: the number of inputs.
        activation: a name from :data:`nn.activations.ACTIVATIONS` (``"relu"``, ``"tanh"``,
            ...), a callable, or ``None`` for a linear unit. ``"softmax"`` needs a whole layer.
        init: the weight initializer (name or callable, see :mod:`nn.init`); the bias starts at 0.
        seed: an int or ``numpy.random.Generator`` for the initializer.
        weights: explicit weights instead of ``init`` (``bias`` then sets the bias).
    """

    def __init__(
        self,
        nin: int,
        activation: ActivationSpec = "relu",
        *,
        init: str | Initializer = "uniform",
        seed: Seed = None,
        weights: Sequence[float] | None = None,
        bias: float = 0.0,
    ) -> None:
        super().__init__()
        if not isinstance(nin, int) or nin < 1:
            raise ValueError(f"a Neuron needs a positive number of inputs, got {nin!r}")
        if activation == "softmax":
            raise ValueError("softmax normalises a whole layer: use Layer(..., activation='softmax')")
        if weights is None:
            start = [float(w) for w in _init_weights((nin,), init, seed)]
        else:
            start = [float(w) for w in weights]
            _check_width(start, nin, "Neuron weights")
        self.nin = nin
        self.activation = activations.name_of(activation)
        self._act = activations.get(activation)
        self.w = [Value(float(wi), name=f"w{i}") for i, wi in enumerate(start)]
        self.b = Value(float(bias), name="b")

    def preactivation(self, x: Sequence[Any]) -> Value:
        """``z = w . x + b``, one sum node (one step of the backward pass)."""
        _check_width(x, self.nin, "this Neuron")
        return sum_([wi * xi for wi, xi in zip(self.w, x)] + [self.b])

    def forward(self, x: Any) -> Any:
        if _is_batch(x):
            return [self.forward(row) for row in _rows(x)]
        return self._act(self.preactivation(x))

    def output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return (input_shape[0], 1)

    def extra_repr(self) -> str:
        return f"nin={self.nin}, activation={self.activation}"


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs.

    The weights are drawn as one ``(nout, nin)`` matrix (so Xavier and He see the fan-in
    ``nin``), row ``j`` going to neuron ``j``. With ``activation="softmax"`` the neurons are
    linear and the layer normalises their outputs together.
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: ActivationSpec = "relu",
        *,
        init: str | Initializer = "uniform",
        seed: Seed = None,
    ) -> None:
        super().__init__()
        if not isinstance(nout, int) or nout < 1:
            raise ValueError(f"a Layer needs a positive number of neurons, got {nout!r}")
        if not isinstance(nin, int) or nin < 1:
            raise ValueError(f"a Layer needs a positive number of inputs, got {nin!r}")
        weights = _init_weights((nout, nin), init, seed)
        self.nin, self.nout = nin, nout
        self.activation = activations.name_of(activation)
        self._softmax = activation == "softmax"
        unit = None if self._softmax else activation
        self.neurons = [Neuron(nin, unit, weights=row) for row in weights]

    def forward(self, x: Any) -> Any:
        if _is_batch(x):
            return [self.forward(row) for row in _rows(x)]
        out = [n(x) for n in self.neurons]
        if self._softmax:
            out = activations.softmax(out)
        return out[0] if len(out) == 1 else out

    def output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return (input_shape[0], self.nout)

    def extra_repr(self) -> str:
        return f"nin={self.nin}, nout={self.nout}, activation={self.activation}"

    def __repr__(self) -> str:
        return f"Layer({self.extra_repr()})"


class MLP(Module):
    """A multi-layer perceptron: ``MLP(2, [16, 16, 1])`` is micrograd's two-moons network.

    Hidden layers use ``activation``; the last layer uses ``output_activation`` (linear by
    default, as in micrograd: pair it with a loss that expects scores). ``MLP(6, [9, 4])`` has
    ``6*9 + 9 + 9*4 + 4 = 103`` parameters.
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: ActivationSpec = "relu",
        output_activation: ActivationSpec = None,
        *,
        init: str | Initializer = "uniform",
        seed: Seed = None,
    ) -> None:
        super().__init__()
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Iterable):
            raise TypeError(f"MLP nouts takes a list of layer sizes such as [16, 16, 1], "
                            f"got {type(nouts).__name__}: {nouts!r}")
        nouts = list(nouts)
        if not nouts:
            raise ValueError("an MLP needs at least one layer size in nouts")
        # checked here, not only by the layers that use them: a one-layer MLP has no hidden layer
        activations.get(activation, "activation")
        activations.get(output_activation, "output_activation")
        generator = _generator(seed)  # one stream for all layers: one seed fixes the net
        sizes = [nin] + nouts
        self.nin = nin
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation if i < len(nouts) - 1 else output_activation,
                  init=init, seed=generator)
            for i in range(len(nouts))
        ]

    def forward(self, x: Any) -> Any:
        if _is_batch(x):
            return [self.forward(row) for row in _rows(x)]
        for layer in self.layers:
            x = layer(x)
            if isinstance(x, Value):  # a one-neuron layer hands on a list of one
                x = [x]
        return x[0] if len(x) == 1 else x

    def __repr__(self) -> str:
        return "MLP of [" + ", ".join(repr(layer) for layer in self.layers) + "]"


def _generator(seed: Seed) -> np.random.Generator:
    # A module-level helper: inside __init__ the parameter `init` hides the module.
    return init.rng(seed)


def _init_weights(shape: tuple[int, ...], init_: str | Initializer, seed: Seed) -> np.ndarray:
    return np.asarray(init.get(init_)(shape, init.rng(seed)), dtype=float).reshape(shape)
