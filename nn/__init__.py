"""chainrule's ``nn``: modules, losses, initializers, optimizers, data and a training loop.

Scalar modules (:class:`Neuron`, :class:`Layer`, :class:`MLP`, :class:`Perceptron`) are made of
``Value`` s, so every weight is a node you can draw; tensor modules (:class:`Linear`,
:class:`Sequential`, :class:`Dropout`, :class:`BatchNorm1d`, the activation modules) are made
of ``Tensor`` s. Both are :class:`Module` s and train with the same optimizers, losses and
:func:`fit`.
"""

from nn import activations, checkpoint, data, init, losses, optim, schedules
from nn.activations import (
    ELU,
    Activation,
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
    elu,
    identity,
    leaky_relu,
    relu,
    sigmoid,
    softmax,
    tanh,
)
from nn.checkpoint import load_checkpoint, save_checkpoint
from nn.data import DataLoader
from nn.layers import BatchNorm1d, Dropout, Linear, Sequential
from nn.module import Module, StateDictError
from nn.optim import SGD, AdaGrad, Adam, Momentum, Optimizer, RMSProp
from nn.perceptron import NotLinearlySeparableError, Perceptron, PerceptronResult
from nn.scalar import MLP, Layer, Neuron
from nn.schedules import CosineLR, ExponentialLR, Schedule, StepLR, WarmupLR
from nn.train import History, accuracy, evaluate, fit

__all__ = [
    "Module", "StateDictError",
    "Neuron", "Layer", "MLP",
    "Perceptron", "PerceptronResult", "NotLinearlySeparableError",
    "Linear", "Sequential", "Dropout", "BatchNorm1d",
    "Activation", "Identity", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "Softmax",
    "identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softmax",
    "Optimizer", "SGD", "Momentum", "AdaGrad", "RMSProp", "Adam",
    "Schedule", "StepLR", "ExponentialLR", "CosineLR", "WarmupLR", "save_checkpoint", "load_checkpoint",
    "DataLoader", "fit", "evaluate", "History", "accuracy",
    "activations", "checkpoint", "data", "init", "losses", "optim", "schedules",
]
