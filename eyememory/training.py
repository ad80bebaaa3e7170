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

from ._validation import (
    check_bool,
    check_finite,
    check_indices,
    check_instance,
    check_int,
    check_nonempty,
    check_number,
    check_rank,
    check_same_length,
    check_seed,
    check_tensor,
    fail,
    is_number,
    shown,
)

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
    check_seed("seed", seed)
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
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if not isinstance(device, (str, torch.device)):
        raise fail(
            "device", "a str such as 'cpu' or 'cuda', a torch.device, or None", shown(device)
        )
    try:
        picked = torch.device(device)
    except RuntimeError:
        raise fail("device", "a device name such as 'cpu' or 'cuda:0'", shown(device)) from None
    if picked.type == "cuda" and not torch.cuda.is_available():
        raise fail("device", "an available device (this machine has no CUDA)", shown(device))
    return picked


def _numbers(name: str, values: object) -> list[float]:
    """A list of real numbers, one per epoch."""
    if not isinstance(values, list) or not all(is_number(v) for v in values):
        raise fail(name, "a list of numbers", shown(values))
    return values


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

    def __post_init__(self) -> None:
        for name in ("loss", "epoch_seconds"):
            _numbers(name, getattr(self, name))
        if not isinstance(self.metrics, dict) or not all(isinstance(k, str) for k in self.metrics):
            raise fail(
                "metrics", "a dict from metric names to lists of numbers", shown(self.metrics)
            )
        for name, values in self.metrics.items():
            _numbers(f"metrics[{name!r}]", values)
        check_number("seconds", self.seconds, 0.0)

    def _values(self, name: str) -> list[float]:
        if not isinstance(name, str) or (name != "loss" and name not in self.metrics):
            raise fail(
                "name",
                f"'loss' or a metric name ({', '.join(map(repr, self.metrics))})",
                shown(name),
            )
        values = self.loss if name == "loss" else self.metrics[name]
        if not values:
            raise fail("name", "a measure with at least one value", f"{name!r} with none")
        return values

    def seconds_to_reach(self, name: str, target: float) -> float | None:
        """Training time until metric ``name`` first reached ``target``; ``None`` if it never did.

        Examples:
            >>> history = History(
            ...     metrics={"accuracy": [0.5, 0.9, 0.95]}, epoch_seconds=[1.0, 1.0, 1.0]
            ... )
            >>> history.seconds_to_reach("accuracy", 0.9)
            2.0
        """
        values = self._values(name)
        check_number("target", target)
        if len(self.epoch_seconds) != len(values):
            raise fail(
                "epoch_seconds",
                f"one time per value of {name!r} ({len(values)})",
                len(self.epoch_seconds),
            )
        elapsed = 0.0
        for seconds, value in zip(self.epoch_seconds, values, strict=True):
            elapsed += seconds
            if value >= target:
                return elapsed
        return None

    def last(self, name: str) -> float:
        """The final value of metric ``name`` (or of the loss, for ``"loss"``)."""
        return self._values(name)[-1]


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

    $$
    \\theta \\leftarrow \\operatorname{Adam}\\Big(\\theta,\\ \\nabla_\\theta \\frac{1}{|B|}
    \\sum_{i \\in B} \\ell(f_\\theta(x_i), y_i)\\Big)
    $$

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
    _check_examples(model, inputs)
    _check_targets(targets, len(inputs))
    check_int("epochs", epochs)
    check_int("batch_size", batch_size)
    check_number("lr", lr, 0.0, open_low=True)
    check_number("weight_decay", weight_decay, 0.0)
    for name, function in (("loss_fn", loss_fn), ("augment", augment)):
        if function is not None and not callable(function):
            raise fail(name, "a function", shown(function))
    if loss_fn is None:
        raise fail("loss_fn", "a function", "None")
    if not isinstance(metrics, (Mapping, type(None))) or not all(
        callable(m) for m in (metrics or {}).values()
    ):
        raise fail(
            "metrics", "a dict from names to functions of the model, or None", shown(metrics)
        )
    if max_grad_norm is not None:
        check_number("max_grad_norm", max_grad_norm, 0.0, open_low=True)
    check_seed("seed", seed)
    check_bool("progress", progress)
    device = pick_device(device)
    model.to(device)
    inputs, targets = inputs.to(device), targets.to(device)
    if loss_fn is F.cross_entropy:
        _check_labels(model, inputs, targets)
    generator = seed_everything(seed)
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


def _check_model(model: object) -> nn.Module:
    check_instance("model", model, nn.Module, "a torch.nn.Module")
    if next(model.parameters(), None) is None:
        raise fail("model", "a module with parameters", type(model).__name__)
    return model


def _check_examples(model: object, inputs: object) -> None:
    """A model with parameters, and a non-empty batch of finite inputs."""
    _check_model(model)
    check_tensor("inputs", inputs)
    if inputs.dim() == 0:
        raise fail("inputs", "a tensor of examples, shape (N, ...)", "a 0-D tensor")
    check_finite("inputs", check_nonempty("inputs", inputs))


def _check_targets(targets: object, n: int) -> None:
    """One finite target per example."""
    check_tensor("targets", targets)
    if targets.dim() == 0:
        raise fail("targets", "a tensor of one target per example, shape (N, ...)", "a 0-D tensor")
    check_finite("targets", check_same_length("targets", targets, "inputs", n))


def _run(model: nn.Module, batch: torch.Tensor) -> torch.Tensor:
    """``model(batch)``; what the model refuses is reported as bad ``inputs``."""
    try:
        return model(batch)
    except (ValueError, RuntimeError) as error:
        raise fail("inputs", "examples the model accepts", f"{error}") from error


@torch.no_grad()
def _check_labels(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> None:
    """Class labels ``(N,)`` below the model's number of outputs, for cross-entropy."""
    check_rank("targets", targets, (1,), "(N,) class labels")
    was_training = model.training
    model.eval()
    try:
        scores = _run(model, inputs[:1])
    finally:
        model.train(was_training)
    check_indices("targets", targets, scores.shape[-1])


@torch.no_grad()
def predict(model: nn.Module, inputs: torch.Tensor, batch_size: int = 512) -> torch.Tensor:
    """Run ``model`` in eval mode over ``inputs`` in batches, on the model's device.

    Returns:
        The concatenated outputs, on the CPU.
    """
    _check_examples(model, inputs)
    check_int("batch_size", batch_size)
    model.eval()
    device = next(model.parameters()).device
    outputs = [
        _run(model, inputs[i : i + batch_size].to(device)).cpu()
        for i in range(0, len(inputs), batch_size)
    ]
    return torch.cat(outputs)


def accuracy(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    """Fraction of ``inputs`` whose highest-scoring class equals the target.

    Examples:
        >>> model = nn.Linear(2, 2)
        >>> 0.0 <= accuracy(model, torch.randn(10, 2), torch.zeros(10, dtype=torch.long)) <= 1.0
        True
    """
    _check_examples(model, inputs)
    _check_targets(targets, len(inputs))
    check_rank("targets", targets, (1,), "(N,) class labels")
    scores = predict(model, inputs)
    if scores.dim() != 2:
        raise fail(
            "model",
            "a classifier answering scores (N, C)",
            f"outputs of shape {tuple(scores.shape)}",
        )
    check_indices("targets", targets, scores.shape[1])
    return (scores.argmax(dim=1) == targets.cpu()).float().mean().item()


def mse(prediction: torch.Tensor, target: torch.Tensor) -> float:
    """Mean squared error of ``prediction`` against ``target`` (same shape)."""
    check_tensor("prediction", prediction)
    check_tensor("target", target)
    if prediction.shape != target.shape:
        raise fail(
            "target",
            f"shaped {tuple(prediction.shape)} like prediction",
            f"shape {tuple(target.shape)}",
        )
    for name, tensor in (("prediction", prediction), ("target", target)):
        if not tensor.dtype.is_floating_point:
            raise fail(name, "a floating-point tensor", f"dtype {tensor.dtype}")
        check_finite(name, check_nonempty(name, tensor))
    return float(((prediction - target) ** 2).mean())
