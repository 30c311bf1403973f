"""chainrule's engine: scalar ``Value``s, the chain rule, and derivative checks."""

from autograd.engine import backprop, enable_grad, grad, is_grad_enabled, no_grad, topological_order, zero_grad
from autograd.errors import DomainError
from autograd.op import Op
from autograd.value import Value, max_, min_, sum_

max = max_  # noqa: A001 - the issue's names; left out of __all__ so star-imports keep the builtins
min = min_  # noqa: A001

__all__ = [
    "Value",
    "Op",
    "DomainError",
    "backprop",
    "grad",
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "topological_order",
    "zero_grad",
    "sum_",
    "max_",
    "min_",
]
__version__ = "0.1.0"
