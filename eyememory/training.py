"""A small training loop shared by the Eye and the Memory.

It is seeded (the same seed gives the same model, run after run), device-agnostic
(CPU or CUDA, picked for you or named), quiet on request (``progress=False``), and it
returns a [`History`][eyememory.training.History] instead of printing.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from tqdm.auto import tqdm

from ._validation import check_tensor

Metric = Callable[[nn.Module], float]


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch, and return a CPU generator seeded the same way.

    Args:
        seed: Any integer.

    Returns:
        A ``torch.Generator`` for shuffling and sampling that does not disturb the global one.

    Examples:
        >>> g = seed_everything(0)
        >>> a = torch.rand(3)
        >>> _ = seed_everything(0)
        >>> torch.equal(a, torch.rand(3))
        True
    """
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def pick_device(device: str | torch.device | None = None) -> torch.device:
    """Return ``device`` as a ``torch.device``; when ``None``, CUDA if available, else CPU.

    Examples:
        >>> pick_device("cpu")
        device(type='cpu')
    """
    if device is not None:
        return torch.device(device)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


@dataclass
class History:
    """What [`fit`][eyememory.training.fit] measured.

    Attributes:
        loss: Mean training loss of each epoch.
        metrics: For each metric name, its value after each epoch.
        seconds: Wall-clock time spent in training steps (metrics excluded).
        epoch_seconds: The training time of each epoch; their sum is ``seconds``.
    """

    loss: list[float] = field(default_factory=list)
    metrics: dict[str, list[float]] = field(default_factory=dict)
    seconds: float = 0.0
    epoch_seconds: list[float] = field(default_factory=list)

    def seconds_to_reach(self, name: str, target: float) -> float | None:
        """Training time until metric ``name`` first reached ``target``; ``None`` if it never did.

        Examples:
            >>> history = History(metrics={"accuracy": [0.5, 0.9, 0.95]}, epoch_seconds=[1.0, 1.0, 1.0])
            >>> history.seconds_to_reach("accuracy", 0.9)
            2.0
        """
        elapsed = 0.0
        for seconds, value in zip(self.epoch_seconds, self.metrics[name]):
            elapsed += seconds
            if value >= target:
                return elapsed
        return None

    def last(self, name: str) -> float:
        """The final value of metric ``name`` (or of the loss, for ``"loss"``)."""
        values = self.loss if name == "loss" else self.metrics[name]
        return values[-1]


def fit(
    model: nn.Module,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    *,
    epochs: int = 10,
    batch_size: int = 32,
    lr: float = 3e-3,
    weight_decay: float = 0.0,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = F.cross_entropy,
    metrics: Mapping[str, Metric] | None = None,
    augment: Callable[[torch.Tensor, torch.Generator], torch.Tensor] | None = None,
    max_grad_norm: float | None = None,
    seed: int = 0,
    device: str | torch.device | None = None,
    progress: bool = True,
) -> History:
    """Train ``model`` with Adam on mini-batches of ``(inputs, targets)``.

    Each step minimises the mean loss over a batch $B$ of examples:

    $$\\theta \\leftarrow \\operatorname{Adam}\\Big(\\theta,\\ \\nabla_\\theta \\frac{1}{|B|}\\sum_{i \\in B} \\ell(f_\\theta(x_i), y_i)\\Big)$$

    Args:
        model: The network; it is moved to ``device`` and left there, in eval mode.
        inputs: Training inputs, shape ``(N, ...)``.
        targets: Training targets, shape ``(N, ...)``.
        epochs: Passes over the data.
        batch_size: Examples per step.
        lr: Adam's learning rate.
        weight_decay: Adam's L2 penalty.
        loss_fn: ``loss_fn(outputs, targets)``; cross-entropy by default, ``F.mse_loss``
            for regression.
        metrics: Functions of the model, each computed after every epoch (in eval mode).
        augment: ``augment(batch, generator)`` returns a changed batch, applied to the
            inputs of each training step.
        max_grad_norm: Clip the gradient norm to this, if given (helps recurrent nets).
        seed: Seeds initial shuffling, augmentation and dropout; same seed, same result.
        device: ``"cpu"``, ``"cuda"``, or ``None`` for CUDA when available.
        progress: Show a tqdm progress bar over epochs.

    Returns:
        The [`History`][eyememory.training.History] of losses, metrics and training time.

    Examples:
        >>> x = torch.randn(64, 2)
        >>> y = (x[:, 0] > 0).long()
        >>> history = fit(nn.Linear(2, 2), x, y, epochs=5, progress=False)
        >>> len(history.loss)
        5
        >>> history.loss[-1] < history.loss[0]
        True
    """
    check_tensor("inputs", inputs)
    check_tensor("targets", targets)
    if len(inputs) != len(targets):
        raise ValueError(
            f"inputs and targets must hold the same number of examples, "
            f"got {len(inputs)} inputs and {len(targets)} targets"
        )
    if epochs < 1 or batch_size < 1:
        raise ValueError(f"epochs and batch_size must be positive, got {epochs} and {batch_size}")
    generator = seed_everything(seed)
    device = pick_device(device)
    model.to(device)
    inputs, targets = inputs.to(device), targets.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    history = History(metrics={name: [] for name in (metrics or {})})
    n = len(inputs)
    bar = tqdm(range(epochs), desc="training", unit="epoch", disable=not progress, leave=False)
    for _ in bar:
        start = time.perf_counter()
        model.train()
        order = torch.randperm(n, generator=generator).to(device)
        total = 0.0
        for first in range(0, n, batch_size):
            batch = order[first : first + batch_size]
            x = inputs[batch]
            if augment is not None:
                x = augment(x, generator)
            loss = loss_fn(model(x), targets[batch])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if max_grad_norm is not None:
                nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)
            optimizer.step()
            total += loss.item() * len(batch)
        history.epoch_seconds.append(time.perf_counter() - start)
        history.seconds += history.epoch_seconds[-1]
        history.loss.append(total / n)
        model.eval()
        for name, metric in (metrics or {}).items():
            history.metrics[name].append(float(metric(model)))
        bar.set_postfix(loss=f"{history.loss[-1]:.4f}")
    model.eval()
    return history


@torch.no_grad()
def predict(model: nn.Module, inputs: torch.Tensor, batch_size: int = 512) -> torch.Tensor:
    """Run ``model`` in eval mode over ``inputs`` in batches, on the model's device.

    Returns:
        The concatenated outputs, on the CPU.
    """
    model.eval()
    device = next(model.parameters()).device
    outputs = [model(inputs[i : i + batch_size].to(device)).cpu() for i in range(0, len(inputs), batch_size)]
    return torch.cat(outputs)


def accuracy(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    """Fraction of ``inputs`` whose highest-scoring class equals the target.

    Examples:
        >>> model = nn.Linear(2, 2)
        >>> 0.0 <= accuracy(model, torch.randn(10, 2), torch.zeros(10, dtype=torch.long)) <= 1.0
        True
    """
    return (predict(model, inputs).argmax(dim=-1) == targets.cpu()).float().mean().item()


def mse(prediction: torch.Tensor, target: torch.Tensor) -> float:
    """Mean squared error of ``prediction`` against ``target`` (same shape)."""
    if prediction.shape != target.shape:
        raise ValueError(f"prediction and target must have the same shape, got {tuple(prediction.shape)} and {tuple(target.shape)}")
    return float(((prediction - target) ** 2).mean())
