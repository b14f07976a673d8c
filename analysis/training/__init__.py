"""Training ReLU networks with the lecture's optimizers (numpy, float64 backpropagation)."""

from analysis.training.backprop import LOSSES, loss_and_grad
from analysis.training.params import from_flat, parameters_flat
from analysis.training.train import TrainResult, flat_loss, train

__all__ = [
    "LOSSES",
    "loss_and_grad",
    "parameters_flat",
    "from_flat",
    "train",
    "TrainResult",
    "flat_loss",
]
