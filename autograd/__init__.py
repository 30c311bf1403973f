"""chainrule's engine: scalar ``Value``s, the chain rule, and derivative checks."""

from autograd import (
    compiled,  # first: CHAINRULE_PURE decides how the modules below are found
    functional,
)
from autograd.engine import (
    Scope,
    backprop,
    current_scope,
    enable_grad,
    grad,
    is_grad_enabled,
    no_grad,
    topological_order,
    zero_grad,
)
from autograd.errors import AnomalyError, DomainError
from autograd.function import Function
from autograd.functional import cross_entropy, log_softmax, softmax
from autograd.op import Op
from autograd.tensor import Tensor, broadcast_to, concatenate, detect_anomaly, maximum, minimum, stack, sum_to, where
from autograd.value import Value, max_, min_, sum_

max = max_  # noqa: A001 - the issue's names; left out of __all__ so star-imports keep the builtins
min = min_  # noqa: A001

__all__ = [
    "Value",
    "Tensor",
    "concatenate",
    "stack",
    "where",
    "maximum",
    "minimum",
    "broadcast_to",
    "sum_to",
    "detect_anomaly",
    "AnomalyError",
    "functional",
    "softmax",
    "log_softmax",
    "cross_entropy",
    "Op",
    "Function",
    "DomainError",
    "backprop",
    "Scope",
    "current_scope",
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

compiled.warn_if_stale()
