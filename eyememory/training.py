"""A small training loop shared by the Eye and the Memory, and the scores the chapters use.

``fit`` trains any model of the package (or any ``nn.Module``) on tensors, a ``Dataset``
or a ``DataLoader``. It is seeded without touching the global random state (the same seed
gives the same model, run after run, whatever ran before), it trains where the model is
unless told otherwise, it can watch a validation set and stop early, and it returns a
``History`` that can plot itself and continue the same training with ``History.resume``.
"""

from __future__ import annotations

import copy
import random
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sized
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from torch.optim.lr_scheduler import LRScheduler, ReduceLROnPlateau
from torch.utils.data import DataLoader, Dataset

from ._optional import available, require
from ._validation import (
    check_bool,
    check_finite,
    check_floating,
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
Loss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
Data = torch.Tensor | Dataset | DataLoader
OptimizerChoice = (
    type[torch.optim.Optimizer]
    | Callable[..., torch.optim.Optimizer]
    | torch.optim.Optimizer
    | None
)
SchedulerChoice = Callable[[torch.optim.Optimizer], Any] | LRScheduler | None

ADAM_LR = 3e-3  # fit's default learning rate: Adam's own 1e-3 is slow on the chapters' nets
EVAL_BATCH = 512  # examples per forward pass when only scoring


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch, and return a CPU generator seeded the same way.

    A helper for pages and scripts that build models from the global random state;
    ``fit`` never calls it (it keeps its own generator).

    Args:
        seed: Any non-negative integer.

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


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return mps is not None and mps.is_available()


def pick_device(device: str | torch.device | None = None) -> torch.device:
    """Return ``device`` as a ``torch.device``; for ``None``, the fastest one this machine has.

    ``None`` picks an NVIDIA (or AMD) GPU through CUDA if there is one, else an Apple GPU
    through MPS, else the CPU. A CUDA or MPS device named must be available here.

    Examples:
        >>> pick_device("cpu")
        device(type='cpu')
        >>> pick_device().type in ("cuda", "mps", "cpu")
        True
    """
    if device is None:
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps" if _mps_available() else "cpu")
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
    if picked.type == "mps" and not _mps_available():
        raise fail("device", "an available device (this machine has no MPS)", shown(device))
    return picked


def _check_class_targets(logits: torch.Tensor, targets: object, name: str = "targets") -> None:
    """Class labels shaped like ``logits`` without its last (class) dimension."""
    check_tensor(name, targets)
    expected = tuple(logits.shape[:-1])
    if tuple(targets.shape) != expected:
        layout = "(N,)" if logits.dim() == 2 else "(N, T)"
        raise fail(
            name,
            f"class labels shaped {layout} = {expected} for logits of shape {tuple(logits.shape)}",
            f"shape {tuple(targets.shape)}",
        )
    check_indices(name, targets, logits.shape[-1])


def cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """The mean cross-entropy of class scores against class labels: ``fit``'s default loss.

    It fits every classifier of the package: a model that scores each example, logits
    ``(N, C)`` with labels ``(N,)`` (the Eye, the Memory), and a model that scores each
    position of a sequence, logits ``(N, T, C)`` with labels ``(N, T)`` (``CharLM``), where
    every position counts as one example. Scores are raw (before softmax); for logits
    $z$ and label $y$ each example costs

    $$
    \\ell(z, y) = -\\log \\frac{e^{z_y}}{\\sum_c e^{z_c}}
    $$

    Args:
        logits: Scores ``(N, C)`` or ``(N, T, C)``, finite floats.
        targets: Class labels ``(N,)`` or ``(N, T)``, integers in ``[0, C)``.

    Returns:
        The mean over examples (and positions), a 0-D tensor.

    Examples:
        >>> logits = torch.tensor([[2.0, 0.0], [0.0, 2.0]])
        >>> labels = torch.tensor([0, 1])
        >>> torch.equal(cross_entropy(logits, labels), F.cross_entropy(logits, labels))
        True
        >>> sequences = torch.randn(4, 7, 5)  # 4 sequences, 7 positions, 5 classes
        >>> cross_entropy(sequences, torch.randint(0, 5, (4, 7))).shape
        torch.Size([])
    """
    check_rank("logits", logits, (2, 3), "(N, C) or (N, T, C)")
    check_finite("logits", check_floating("logits", check_nonempty("logits", logits)))
    _check_class_targets(logits, targets)
    C = logits.shape[-1]
    return F.cross_entropy(logits.reshape(-1, C), targets.reshape(-1))  # (N*T, C), (N*T,)


def _numbers(name: str, values: object) -> list[float]:
    """A list of real numbers, one per epoch."""
    if not isinstance(values, list) or not all(is_number(v) for v in values):
        raise fail(name, "a list of numbers", shown(values))
    return values


@dataclass
class History:
    """What ``fit`` measured, epoch by epoch, and the training it can continue.

    Attributes:
        loss: Mean training loss of each epoch.
        metrics: For each metric name, its value after each epoch; with validation data and
            the default loss, ``"val_accuracy"`` too.
        seconds: Wall-clock time spent in training steps (validation and metrics excluded).
        epoch_seconds: The training time of each epoch; their sum is ``seconds``.
        val_loss: Mean loss on the validation data after each epoch (empty without ``val``).
        lr: The learning rate of each epoch (of the first parameter group).
        best_epoch: The epoch (counted from 1) with the lowest validation loss, if any.
        stopped_early: Whether ``patience`` ran out before the epochs did.
        device: Where the model trained, as text (``"cpu"``, ``"cuda:0"``).
    """

    loss: list[float] = field(default_factory=list)
    metrics: dict[str, list[float]] = field(default_factory=dict)
    seconds: float = 0.0
    epoch_seconds: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_early: bool = False
    device: str | None = None
    _run: _Run | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("loss", "epoch_seconds", "val_loss", "lr"):
            _numbers(name, getattr(self, name))
        if not isinstance(self.metrics, dict) or not all(isinstance(k, str) for k in self.metrics):
            raise fail(
                "metrics", "a dict from metric names to lists of numbers", shown(self.metrics)
            )
        for name, values in self.metrics.items():
            _numbers(f"metrics[{name!r}]", values)
        check_number("seconds", self.seconds, 0.0)
        if self.best_epoch is not None:
            check_int("best_epoch", self.best_epoch)
        check_bool("stopped_early", self.stopped_early)
        if self.device is not None:
            check_instance("device", self.device, str, "a str such as 'cpu', or None")

    def _values(self, name: str) -> list[float]:
        names = ["loss", "val_loss", *self.metrics]
        if not isinstance(name, str) or name not in names:
            raise fail("name", f"one of {', '.join(map(repr, names))}", shown(name))
        values = getattr(self, name) if name in ("loss", "val_loss") else self.metrics[name]
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
        """The final value of ``name``: ``"loss"``, ``"val_loss"`` or a metric name.

        Examples:
            >>> History(loss=[0.9, 0.4]).last("loss")
            0.4
        """
        return self._values(name)[-1]

    def resume(self, epochs: int = 1, *, progress: bool | None = None) -> History:
        """Train ``epochs`` more epochs of the same training, and record them here.

        The optimizer's state, the learning-rate schedule, the shuffling and the dropout
        all go on where they stopped, so ``fit(..., epochs=1)`` followed by
        ``resume(4)`` gives exactly the weights and losses of ``fit(..., epochs=5)``.
        (Calling ``fit`` again instead starts a new training: a fresh optimizer and the
        seed's first shuffle.) With ``patience``, training goes on from the last epoch's
        weights, and the model is again left with the best ones.

        Args:
            epochs: How many more passes over the data.
            progress: As for ``fit``; ``None`` keeps the choice ``fit`` was given.

        Returns:
            This History, longer by the new epochs.

        Examples:
            >>> x, y = torch.randn(64, 2), torch.randint(0, 2, (64,))
            >>> history = fit(nn.Linear(2, 2), x, y, epochs=2, progress=False)
            >>> len(history.resume(3).loss)
            5
        """
        check_int("epochs", epochs)
        if progress is not None:
            check_bool("progress", progress)
        if self._run is None:
            raise ValueError(
                "resume needs a History returned by fit, got one built by hand "
                "(it holds no training to continue)"
            )
        self._run.train(self, epochs, self._run.progress if progress is None else progress)
        return self

    def plot(self) -> Any:
        """Draw the loss curves (training and validation) and the metrics, one panel each.

        The best validation epoch, when there is one, is marked. Needs matplotlib (the
        ``plot`` extra); the backend is left as it is.

        Returns:
            The ``matplotlib.figure.Figure``.

        Examples:
            >>> figure = History(loss=[0.9, 0.5], val_loss=[1.0, 0.7], best_epoch=2).plot()
            >>> [axes.get_title() for axes in figure.axes]
            ['loss']
        """
        plt = require("matplotlib.pyplot", "History.plot")
        if not self.loss:
            raise fail("history", "a History with at least one epoch", "an empty one")
        panels = 1 + bool(self.metrics)
        figure, axes = plt.subplots(1, panels, figsize=(4.5 * panels, 3.2), squeeze=False)
        loss_axes = axes[0, 0]
        curves = {"training": self.loss, "validation": self.val_loss}
        for label, values in curves.items():
            if values:
                loss_axes.plot(range(1, len(values) + 1), values, marker=".", label=label)
        loss_axes.set(title="loss", xlabel="epoch")
        if self.best_epoch is not None:
            loss_axes.axvline(self.best_epoch, color="grey", linestyle=":", label="best")
        loss_axes.legend()
        if self.metrics:
            metric_axes = axes[0, 1]
            for name, values in self.metrics.items():
                metric_axes.plot(range(1, len(values) + 1), values, marker=".", label=name)
            metric_axes.set(title="metrics", xlabel="epoch")
            metric_axes.legend()
        figure.tight_layout()
        return figure


def _pair(name: str, batch: object) -> tuple[torch.Tensor, torch.Tensor]:
    """An ``(inputs, targets)`` pair of tensors, as a Dataset item or a DataLoader batch."""
    if (
        not isinstance(batch, (tuple, list))
        or len(batch) != 2
        or not all(isinstance(t, torch.Tensor) for t in batch)
    ):
        raise fail(name, "made of (inputs, targets) pairs of tensors", f"an item {shown(batch)}")
    return batch[0], batch[1]


@dataclass
class _Examples:
    """Examples as they came (tensors, a Dataset or a DataLoader), served in batches."""

    inputs: Data
    targets: torch.Tensor | None
    batch_size: int
    name: str = "inputs"

    def batches(
        self, device: torch.device, generator: torch.Generator | None = None
    ) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """The batches of one pass, shuffled by ``generator`` when one is given."""
        if isinstance(self.inputs, DataLoader):  # its own batches and order
            for batch in self.inputs:
                x, y = _pair(self.name, batch)
                yield x.to(device), y.to(device)
            return
        n = len(self.inputs)
        order = None if generator is None else torch.randperm(n, generator=generator)
        if isinstance(self.inputs, torch.Tensor):
            for first in range(0, n, self.batch_size):
                if order is None:
                    rows = slice(first, first + self.batch_size)
                else:
                    rows = order[first : first + self.batch_size].to(device)
                yield self.inputs[rows].to(device), self.targets[rows].to(device)
            return
        # A private generator for the loader's worker seeds: the global one stays untouched.
        loader = DataLoader(
            self.inputs,
            batch_size=self.batch_size,
            sampler=None if order is None else order.tolist(),
            generator=torch.Generator(),
        )
        for batch in loader:
            x, y = _pair(self.name, batch)
            yield x.to(device), y.to(device)


def _check_batches(examples: _Examples, count: int) -> None:
    """At least one example in a pass: a DataLoader may turn out empty only when read."""
    if count == 0:
        raise fail(examples.name, "data with at least one example", "an empty DataLoader")


def _check_model(model: object) -> nn.Module:
    check_instance("model", model, nn.Module, "a torch.nn.Module")
    if next(model.parameters(), None) is None:
        raise fail("model", "a module with parameters", type(model).__name__)
    return model


def _check_examples(model: object, inputs: object, name: str = "inputs") -> None:
    """A model with parameters, and a non-empty batch of finite inputs."""
    _check_model(model)
    check_tensor(name, inputs)
    if inputs.dim() == 0:
        raise fail(name, "a tensor of examples, shape (N, ...)", "a 0-D tensor")
    check_finite(name, check_nonempty(name, inputs))


def _check_targets(targets: object, n: int, name: str = "targets", partner: str = "inputs") -> None:
    """One finite target per example."""
    check_tensor(name, targets)
    if targets.dim() == 0:
        raise fail(name, "a tensor of one target per example, shape (N, ...)", "a 0-D tensor")
    check_finite(name, check_same_length(name, targets, partner, n))


def _examples(
    model: nn.Module,
    inputs: object,
    targets: object,
    batch_size: int,
    names: tuple[str, str] = ("inputs", "targets"),
) -> _Examples:
    """Check examples given as tensors, a Dataset or a DataLoader (which hold the targets)."""
    inputs_name, targets_name = names
    if isinstance(inputs, (Dataset, DataLoader)):
        if targets is not None:
            raise fail(
                targets_name,
                f"None when {inputs_name} is a Dataset or a DataLoader (it holds the targets)",
                shown(targets),
            )
        if isinstance(inputs, Dataset):
            if not isinstance(inputs, Sized):
                raise fail(
                    inputs_name,
                    "a Dataset with a length (put an IterableDataset in a DataLoader)",
                    type(inputs).__name__,
                )
            if len(inputs) == 0:
                raise fail(inputs_name, "a Dataset with at least one example", "an empty one")
            _pair(inputs_name, inputs[0])
        return _Examples(inputs, None, batch_size, inputs_name)
    if not isinstance(inputs, torch.Tensor):
        raise fail(inputs_name, "a torch.Tensor, a Dataset or a DataLoader", type(inputs).__name__)
    _check_examples(model, inputs, inputs_name)
    _check_targets(targets, len(inputs), targets_name, inputs_name)
    return _Examples(inputs, targets, batch_size, inputs_name)


def _run(model: nn.Module, batch: torch.Tensor, name: str = "inputs") -> torch.Tensor:
    """``model(batch)``; what the model refuses is reported as bad ``inputs``."""
    try:
        return model(batch)
    except (ValueError, RuntimeError) as error:
        raise fail(name, "examples the model accepts", f"{error}") from error


@torch.no_grad()
def _check_labels(
    model: nn.Module,
    examples: _Examples,
    loss_fn: Loss,
    device: torch.device,
    names: tuple[str, str] = ("inputs", "targets"),
) -> None:
    """Class labels that fit the model's scores, checked once before training on tensors.

    ``F.cross_entropy`` as given takes labels ``(N,)`` only; the default loss takes the
    shapes that ``cross_entropy`` describes.
    """
    if not isinstance(examples.inputs, torch.Tensor):
        return  # a Dataset's labels are checked by the default loss, batch by batch
    inputs_name, targets_name = names
    targets = examples.targets
    if loss_fn is F.cross_entropy:
        check_rank(targets_name, targets, (1,), "(N,) class labels")
    was_training = model.training
    model.eval()
    try:
        scores = _run(model, examples.inputs[:1].to(device), inputs_name)
    finally:
        model.train(was_training)
    if loss_fn is F.cross_entropy:
        check_indices(targets_name, targets, scores.shape[-1])
        return
    check_rank("model", scores, (2, 3), "(N, C) or (N, T, C) logits for the default loss")
    all_scores = scores.expand(len(targets), *scores.shape[1:])  # (N, C) or (N, T, C), no copy
    _check_class_targets(all_scores, targets, targets_name)


def _build_optimizer(
    model: nn.Module, optimizer: OptimizerChoice, lr: float, weight_decay: float
) -> torch.optim.Optimizer:
    """Adam by default; a class gets ``lr`` and ``weight_decay``; a factory or instance, none."""
    if optimizer is None:
        return torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    if isinstance(optimizer, type) and issubclass(optimizer, torch.optim.Optimizer):
        return optimizer(model.parameters(), lr=lr, weight_decay=weight_decay)
    for name, value, default in (("lr", lr, ADAM_LR), ("weight_decay", weight_decay, 0.0)):
        if value != default:
            raise fail(
                name,
                f"left at {default} when optimizer is a factory or an instance (it sets its own)",
                shown(value),
            )
    if isinstance(optimizer, torch.optim.Optimizer):
        built = optimizer
    elif callable(optimizer):
        built = _call_factory("optimizer", optimizer, model.parameters())
        if not isinstance(built, torch.optim.Optimizer):
            raise fail("optimizer", "a factory that returns a torch.optim.Optimizer", shown(built))
    else:
        raise fail(
            "optimizer",
            "None, an optimizer class, a factory `lambda params: ...`, or an optimizer",
            shown(optimizer),
        )
    own = {id(p) for p in model.parameters()}
    if not all(id(p) in own for group in built.param_groups for p in group["params"]):
        raise fail("optimizer", "an optimizer of this model's parameters", "one of others")
    return built


def _call_factory(name: str, factory: Callable[[Any], Any], argument: object) -> Any:
    """``factory(argument)``; a factory that cannot be called so is reported by name."""
    try:
        return factory(argument)
    except TypeError as error:
        raise fail(name, "a factory taking one argument", f"one that failed: {error}") from error


def _build_scheduler(
    scheduler: SchedulerChoice, optimizer: torch.optim.Optimizer, has_val: bool
) -> LRScheduler | None:
    """A scheduler of ``optimizer``, built from a factory or given; stepped once per epoch."""
    if scheduler is None:
        return None
    if isinstance(scheduler, LRScheduler):
        built = scheduler
    elif callable(scheduler):
        built = _call_factory("scheduler", scheduler, optimizer)
        if not isinstance(built, LRScheduler):
            raise fail(
                "scheduler",
                "a factory that returns a learning-rate scheduler (torch.optim.lr_scheduler)",
                shown(built),
            )
    else:
        raise fail(
            "scheduler",
            "None, a factory `lambda optimizer: ...`, or a scheduler",
            shown(scheduler),
        )
    if built.optimizer is not optimizer:
        raise fail("scheduler", "a scheduler of the optimizer fit trains with", "one of another")
    if isinstance(built, ReduceLROnPlateau) and not has_val:
        raise fail("val", "validation data when the scheduler is ReduceLROnPlateau", "None")
    return built


def _progress_bar(wanted: bool | None) -> Callable[..., Any] | None:
    """tqdm's bar class (the plain text one in a notebook without ipywidgets), or None."""
    if wanted is False or (wanted is None and not available("tqdm")):
        return None
    with warnings.catch_warnings():
        # tqdm.auto warns once in Jupyter without ipywidgets, then uses the text bar anyway.
        warnings.filterwarnings("ignore", message=".*IProgress not found.*")
        return require("tqdm.auto", "fit's progress bar").tqdm


@torch.no_grad()
def _evaluate(
    model: nn.Module, examples: _Examples, loss_fn: Loss, device: torch.device, classifier: bool
) -> tuple[float, float | None]:
    """Mean loss over ``examples`` (and accuracy, for a classifier), in eval mode."""
    model.eval()
    total = correct = 0.0
    count = positions = 0
    for x, y in examples.batches(device):
        scores = _run(model, x, "val")
        total += loss_fn(scores, y).item() * len(x)
        count += len(x)
        if classifier:
            correct += (scores.argmax(-1) == y).sum().item()
            positions += y.numel()
    _check_batches(examples, count)
    return total / count, (correct / positions if classifier else None)


@dataclass
class _Run:
    """Everything a training needs to go on: what ``History.resume`` continues."""

    model: nn.Module
    train_data: _Examples
    val_data: _Examples | None
    loss_fn: Loss
    optimizer: torch.optim.Optimizer
    scheduler: LRScheduler | None
    patience: int | None
    metrics: Mapping[str, Metric]
    augment: Callable[[torch.Tensor, torch.Generator], torch.Tensor] | None
    max_grad_norm: float | None
    device: torch.device
    generator: torch.Generator
    seed: int
    progress: bool | None
    classifier: bool
    cpu_rng: torch.Tensor | None = None
    device_rng: torch.Tensor | None = None
    best_loss: float = float("inf")
    best_weights: dict[str, torch.Tensor] | None = None
    last_weights: dict[str, torch.Tensor] | None = None
    waited: int = 0

    @contextmanager
    def private_rng(self) -> Iterator[None]:
        """Dropout's random numbers from this run's own stream; the global one is restored.

        The stream starts as ``torch.manual_seed(seed)`` would start it, and each call goes
        on where the last one stopped.
        """
        accelerator = self.device.type if self.device.type in ("cuda", "mps") else None
        index = (self.device.index or 0) if accelerator else None
        devices = [] if accelerator is None else [index]
        with torch.random.fork_rng(devices=devices, device_type=accelerator or "cuda"):
            if self.cpu_rng is None:
                torch.default_generator.manual_seed(self.seed)
            else:
                torch.set_rng_state(self.cpu_rng)
            if accelerator is not None:
                if self.device_rng is None:
                    _seed_accelerator(accelerator, index, self.seed)
                else:
                    torch.get_device_module(accelerator).set_rng_state(self.device_rng, index)
            try:
                yield
            finally:
                self.cpu_rng = torch.get_rng_state()
                if accelerator is not None:
                    self.device_rng = torch.get_device_module(accelerator).get_rng_state(index)

    def train(self, history: History, epochs: int, progress: bool | None) -> None:
        """Run ``epochs`` more epochs, appending to ``history``."""
        bar_class = _progress_bar(progress)
        done = len(history.loss)
        history.stopped_early = False  # says how this call ended
        if self.last_weights is not None:  # go on from the last epoch, not the best one
            self.model.load_state_dict(self.last_weights)
        bar = None
        if bar_class is not None:
            bar = bar_class(
                total=done + epochs, initial=done, desc="training", unit="epoch", leave=True
            )
        try:
            with self.private_rng():
                for _ in range(epochs):
                    self.epoch(history)
                    if bar is not None:
                        bar.update()
                        shown_losses = {"loss": f"{history.loss[-1]:.4f}"}
                        if history.val_loss:
                            shown_losses["val_loss"] = f"{history.val_loss[-1]:.4f}"
                        bar.set_postfix(shown_losses)
                    if self.patience is not None and self.waited >= self.patience:
                        history.stopped_early = True
                        break
        finally:
            if bar is not None:
                bar.close()
            if self.patience is not None and self.best_weights is not None:
                self.last_weights = _copy_weights(self.model)
                self.model.load_state_dict(self.best_weights)
            self.model.eval()

    def epoch(self, history: History) -> None:
        """One pass over the training data, then validation, metrics and the schedule."""
        model = self.model
        start = time.perf_counter()
        model.train()
        total, count = 0.0, 0
        for x, y in self.train_data.batches(self.device, self.generator):
            if self.augment is not None:
                x = self.augment(x, self.generator)
            loss = self.loss_fn(model(x), y)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if self.max_grad_norm is not None:
                nn.utils.clip_grad_norm_(model.parameters(), self.max_grad_norm)
            self.optimizer.step()
            total += loss.item() * len(x)
            count += len(x)
        history.epoch_seconds.append(time.perf_counter() - start)
        history.seconds += history.epoch_seconds[-1]
        _check_batches(self.train_data, count)
        history.loss.append(total / count)
        history.lr.append(float(self.optimizer.param_groups[0]["lr"]))
        if self.val_data is not None:
            with torch.random.fork_rng(devices=[], device_type="cuda"):  # no draw shows in training
                val_loss, val_accuracy = _evaluate(
                    model, self.val_data, self.loss_fn, self.device, self.classifier
                )
            history.val_loss.append(val_loss)
            if val_accuracy is not None:
                history.metrics["val_accuracy"].append(val_accuracy)
            if val_loss < self.best_loss:
                self.best_loss, self.waited = val_loss, 0
                history.best_epoch = len(history.loss)
                if self.patience is not None:
                    self.best_weights = _copy_weights(model)
            else:
                self.waited += 1
        model.eval()
        for name, metric in self.metrics.items():
            history.metrics[name].append(float(metric(model)))
        if isinstance(self.scheduler, ReduceLROnPlateau):
            self.scheduler.step(history.val_loss[-1])
        elif self.scheduler is not None:
            self.scheduler.step()


def _seed_accelerator(kind: str, index: int, seed: int) -> None:
    """Seed one GPU's generator as ``torch.manual_seed`` would, and no other device's."""
    if kind == "cuda":
        with torch.cuda.device(index):
            torch.cuda.manual_seed(seed)
    else:
        torch.mps.manual_seed(seed)


def _copy_weights(model: nn.Module) -> dict[str, torch.Tensor]:
    return copy.deepcopy(model.state_dict())


def _check_choices(
    loss_fn: object, metrics: object, augment: object, max_grad_norm: object, patience: object
) -> None:
    """The arguments that say how to train, apart from the numbers of the optimizer."""
    for name, function in (("loss_fn", loss_fn), ("augment", augment)):
        if function is not None and not callable(function):
            raise fail(name, "a function", shown(function))
    if loss_fn is None:
        raise fail("loss_fn", "a function", "None")
    if not isinstance(metrics, (Mapping, type(None))) or not all(
        isinstance(name, str) and callable(m) for name, m in (metrics or {}).items()
    ):
        raise fail(
            "metrics", "a dict from names to functions of the model, or None", shown(metrics)
        )
    if "val_accuracy" in (metrics or {}):
        raise fail("metrics", "names other than 'val_accuracy' (fit records it)", "that name")
    if max_grad_norm is not None:
        check_number("max_grad_norm", max_grad_norm, 0.0, open_low=True)
    if patience is not None:
        check_int("patience", patience)


def fit(
    model: nn.Module,
    inputs: Data,
    targets: torch.Tensor | None = None,
    *,
    epochs: int = 10,
    batch_size: int = 32,
    lr: float = ADAM_LR,
    weight_decay: float = 0.0,
    loss_fn: Loss = cross_entropy,
    optimizer: OptimizerChoice = None,
    scheduler: SchedulerChoice = None,
    val: tuple[torch.Tensor, torch.Tensor] | Dataset | DataLoader | None = None,
    patience: int | None = None,
    metrics: Mapping[str, Metric] | None = None,
    augment: Callable[[torch.Tensor, torch.Generator], torch.Tensor] | None = None,
    max_grad_norm: float | None = None,
    seed: int = 0,
    device: str | torch.device | None = None,
    progress: bool | None = None,
) -> History:
    """Train ``model`` on mini-batches of examples, and return what was measured.

    Each epoch shuffles the training examples, cuts them into batches and takes one
    optimizer step per batch (Adam unless told otherwise). After each epoch it scores the
    validation data, if given, and the ``metrics``. Each step minimises the mean loss over
    a batch $B$ of examples:

    $$
    \\theta \\leftarrow \\operatorname{Adam}\\Big(\\theta,\\ \\nabla_\\theta \\frac{1}{|B|}
    \\sum_{i \\in B} \\ell(f_\\theta(x_i), y_i)\\Big)
    $$

    Randomness comes from ``seed`` alone, through a private generator (shuffling,
    ``augment``) and a private stream for dropout: ``fit`` neither reads nor changes the
    global random state of torch, NumPy or Python. Calling ``fit`` again starts a new
    training (a fresh optimizer, the seed's first shuffle); ``History.resume`` continues
    this one exactly.

    Args:
        model: The network. It trains where it is; it is left there, in eval mode.
        inputs: Training inputs ``(N, ...)``; or a ``Dataset`` of ``(input, target)``
            pairs (shuffled by ``seed``, batched by ``batch_size``); or a ``DataLoader``,
            used as it is (its own batches and order: shuffle it yourself; without a
            ``generator`` of its own it draws from ``fit``'s private stream).
        targets: Training targets ``(N, ...)``; ``None`` with a Dataset or DataLoader.
        epochs: Passes over the data.
        batch_size: Examples per step (for tensors and a Dataset).
        lr: The learning rate of Adam, or of an optimizer class given as ``optimizer``.
        weight_decay: The L2 penalty of Adam, or of an optimizer class.
        loss_fn: ``loss_fn(outputs, targets)``, a mean over the batch. The default,
            ``cross_entropy``, fits every classifier of the package: logits ``(N, C)``
            with labels ``(N,)``, and per-position logits ``(N, T, C)`` with labels
            ``(N, T)`` (``CharLM``). ``F.mse_loss`` for regression.
        optimizer: ``None`` for Adam; an optimizer class (``torch.optim.SGD``), built with
            ``lr`` and ``weight_decay``; a factory ``lambda params: ...``; or an optimizer
            already built on the model's parameters.
        scheduler: ``None``; a factory ``lambda optimizer: ...`` or a scheduler of the
            optimizer, stepped once after each epoch. ``ReduceLROnPlateau`` is given the
            validation loss (so it needs ``val``).
        val: Validation data: ``(inputs, targets)`` tensors, a ``Dataset`` or a
            ``DataLoader``. Its mean loss is recorded after each epoch, in
            ``History.val_loss``; with the default loss, its accuracy too, as the metric
            ``"val_accuracy"`` (for sequences, the fraction of positions right).
        patience: Stop when the validation loss has not improved for this many epochs,
            and leave the model with the weights of its best epoch (``History.best_epoch``;
            ``History.stopped_early`` says whether it stopped). Needs ``val``.
        metrics: Functions of the model, each computed after every epoch (in eval mode).
        augment: ``augment(batch, generator)`` returns a changed batch, applied to the
            inputs of each training step.
        max_grad_norm: Clip the gradient norm to this, if given (helps recurrent nets).
        seed: Seeds shuffling, augmentation and dropout; same seed, same result.
        device: ``None`` trains where the model is. A device (``"cpu"``, ``"cuda"``,
            ``"mps"``) moves the model there first, with a ``UserWarning`` when that is a
            move; ``pick_device()`` names the fastest one. ``History.device`` records it.
        progress: A tqdm bar over epochs that stays when training ends, showing the last
            losses. ``None``: a bar when tqdm is installed (the ``progress`` extra), none
            otherwise; ``True`` insists (an error without tqdm); ``False``: no bar.

    Returns:
        The ``History`` of losses, metrics and training time.

    Examples:
        >>> x = torch.randn(64, 2)
        >>> y = (x[:, 0] > 0).long()
        >>> history = fit(nn.Linear(2, 2), x, y, epochs=5, progress=False)
        >>> len(history.loss), history.loss[-1] < history.loss[0]
        (5, True)

        With validation data and early stopping:

        >>> history = fit(
        ...     nn.Linear(2, 2), x[:48], y[:48], val=(x[48:], y[48:]), patience=2,
        ...     epochs=30, progress=False,
        ... )
        >>> len(history.val_loss) == len(history.loss) == len(history.metrics["val_accuracy"])
        True
        >>> history.val_loss[history.best_epoch - 1] == min(history.val_loss)
        True
    """
    _check_model(model)
    check_int("epochs", epochs)
    check_int("batch_size", batch_size)
    check_number("lr", lr, 0.0, open_low=True)
    check_number("weight_decay", weight_decay, 0.0)
    _check_choices(loss_fn, metrics, augment, max_grad_norm, patience)
    check_seed("seed", seed)
    if progress is not None:
        check_bool("progress", progress)
    train_data = _examples(model, inputs, targets, batch_size)
    val_data = None
    if val is not None:
        if isinstance(val, (Dataset, DataLoader)):
            val_data = _examples(model, val, None, EVAL_BATCH, ("val", "val"))
        elif isinstance(val, (tuple, list)) and len(val) == 2:
            val_data = _examples(model, val[0], val[1], EVAL_BATCH, ("val[0]", "val[1]"))
        else:
            raise fail(
                "val", "(inputs, targets) tensors, a Dataset, a DataLoader, or None", shown(val)
            )
    elif patience is not None:
        raise fail("val", "validation data when patience is set", "None")
    device = _place(model, device)
    classifier = loss_fn in (cross_entropy, F.cross_entropy)
    if classifier:
        _check_labels(model, train_data, loss_fn, device)
        if val_data is not None:
            _check_labels(model, val_data, loss_fn, device, ("val[0]", "val[1]"))
    if isinstance(inputs, torch.Tensor):  # moved once, not batch by batch
        train_data.inputs, train_data.targets = inputs.to(device), targets.to(device)
    built = _build_optimizer(model, optimizer, lr, weight_decay)
    run = _Run(
        model=model,
        train_data=train_data,
        val_data=val_data,
        loss_fn=loss_fn,
        optimizer=built,
        scheduler=_build_scheduler(scheduler, built, val_data is not None),
        patience=patience,
        metrics=dict(metrics or {}),
        augment=augment,
        max_grad_norm=max_grad_norm,
        device=device,
        generator=torch.Generator().manual_seed(seed),
        seed=seed,
        progress=progress,
        classifier=classifier and val_data is not None,
    )
    names = [*(["val_accuracy"] if run.classifier else []), *run.metrics]
    history = History(metrics={name: [] for name in names}, device=str(device))
    history._run = run  # what resume continues
    run.train(history, epochs, progress)
    return history


def _place(model: nn.Module, device: str | torch.device | None) -> torch.device:
    """Where training happens: where the model is, or ``device`` (a move is announced)."""
    current = next(model.parameters()).device
    if device is None:
        return current
    wanted = pick_device(device)
    if wanted.type != current.type or (
        wanted.index is not None and current.index is not None and wanted.index != current.index
    ):
        warnings.warn(
            f"fit moved the model from {current} to {wanted}; it stays there "
            f"(device=None trains where the model is)",
            UserWarning,
            stacklevel=3,
        )
        model.to(wanted)
        return next(model.parameters()).device
    return current


@torch.no_grad()
def predict(model: nn.Module, inputs: torch.Tensor, batch_size: int = EVAL_BATCH) -> torch.Tensor:
    """Run ``model`` in eval mode over ``inputs`` in batches, on the model's device.

    Returns:
        The concatenated outputs, on the CPU.

    Examples:
        >>> predict(nn.Linear(3, 2), torch.randn(5, 3)).shape
        torch.Size([5, 2])
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
    """Mean squared error of ``prediction`` against ``target`` (same shape).

    Examples:
        >>> mse(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 4.0]))
        2.0
    """
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
