"""``fit`` and its ``History``: private randomness, continuation, validation and early stopping,
data in any form, optimizer and scheduler choices, the default loss, the progress bar."""

from __future__ import annotations

import random
import sys
import types
import warnings
from collections.abc import Iterator

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, Sampler, TensorDataset

import eyememory.training as training
from eyememory import CharLM, History, cross_entropy, fit, pick_device
from eyememory._optional import MissingExtraError
from eyememory.models.charlm import sequence_cross_entropy

QUIET = {"progress": False}


def blobs(n: int = 96, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Two overlapping clouds of points in 4-D: learnable, not perfectly."""
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 2, (n,), generator=g)
    x = torch.randn(n, 4, generator=g) + y[:, None].float()  # (n, 4)
    return x, y


def dropout_net(seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 2))


def jitter(batch: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    return batch + 0.1 * torch.randn(batch.shape, generator=generator)


def noise() -> tuple[torch.Tensor, torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
    """Labels that mean nothing: training inputs and targets, and validation data."""
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(32, 4, generator=g), torch.randint(0, 2, (32,), generator=g)
    return x, y, (torch.randn(64, 4, generator=g), torch.randint(0, 2, (64,), generator=g))


def overfitting_net() -> nn.Module:
    """Far more weights than the 32 examples of ``noise``: it learns them by heart."""
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 256), nn.ReLU(), nn.Linear(256, 2))


OVERFIT = {"lr": 0.01, "batch_size": 8, "progress": False}


def same_weights(a: nn.Module, b: nn.Module) -> bool:
    ours, theirs = a.state_dict(), b.state_dict()
    return ours.keys() == theirs.keys() and all(torch.equal(ours[k], theirs[k]) for k in ours)


def test_fit_neither_reads_nor_changes_the_global_random_state() -> None:
    x, y = blobs()
    model = dropout_net()
    torch.manual_seed(1234)
    random.seed(1234)
    np.random.seed(1234)
    before = torch.get_rng_state(), random.getstate(), np.random.get_state()
    fit(model, x, y, epochs=2, augment=jitter, seed=5, **QUIET)  # dropout, shuffles, jitter
    assert torch.equal(torch.get_rng_state(), before[0])
    assert random.getstate() == before[1]
    np.testing.assert_equal(np.random.get_state(), before[2])


def test_the_seed_alone_decides_even_with_dropout() -> None:
    x, y = blobs()
    models = []
    for global_seed in (0, 1):
        model = dropout_net()  # the same initial weights
        torch.manual_seed(global_seed)  # ... but a different global state
        fit(model, x, y, epochs=2, augment=jitter, seed=3, **QUIET)
        models.append(model)
    assert same_weights(*models)
    other = dropout_net()
    fit(other, x, y, epochs=2, augment=jitter, seed=4, **QUIET)
    assert not same_weights(models[0], other)


def test_resume_continues_exactly_as_one_long_fit() -> None:
    x, y = blobs()
    x_val, y_val = blobs(48, seed=1)
    options = {
        "augment": jitter,
        "val": (x_val, y_val),
        "patience": 10,  # the model is left with the best weights after each call
        "scheduler": lambda optimizer: torch.optim.lr_scheduler.StepLR(optimizer, 2, 0.5),
        **QUIET,
    }
    long, pieces = dropout_net(), dropout_net()
    one = fit(long, x, y, epochs=5, seed=2, **options)
    several = fit(pieces, x, y, epochs=1, seed=2, **options)
    for _ in range(4):
        several.resume(1)
    assert several.loss == one.loss and several.val_loss == one.val_loss
    assert several.lr == one.lr == [3e-3, 3e-3, 1.5e-3, 1.5e-3, 7.5e-4]
    assert several.metrics == one.metrics and several.best_epoch == one.best_epoch
    assert same_weights(long, pieces)
    assert len(several.epoch_seconds) == 5 and several.seconds == pytest.approx(
        sum(several.epoch_seconds)
    )

    again = fit(dropout_net(), x, y, epochs=1, seed=2, **options)
    assert again.loss == one.loss[:1]  # a new fit starts over: the seed's first epoch


def test_patience_stops_an_overfitting_net_and_keeps_its_best_weights() -> None:
    x, y, val = noise()
    model = overfitting_net()
    history = fit(model, x, y, val=val, patience=3, epochs=200, **OVERFIT)
    assert history.stopped_early and len(history.loss) == history.best_epoch + 3
    assert history.loss[-1] < history.loss[0]  # it learned the training labels by heart
    assert history.val_loss[-1] > min(history.val_loss)  # ... and got worse on new ones
    assert history.val_loss[history.best_epoch - 1] == min(history.val_loss)
    best = overfitting_net()
    fit(best, x, y, epochs=history.best_epoch, lr=0.01, batch_size=8, **QUIET)
    assert same_weights(model, best)
    assert not model.training
    assert set(history.metrics) == {"val_accuracy"}
    assert all(0.0 <= a <= 1.0 for a in history.metrics["val_accuracy"])


class Shuffled(Sampler[int]):
    """fit's own order: one permutation per epoch from a generator seeded with ``seed``.

    (torch's ``RandomSampler`` draws two per epoch, so its order differs.)
    """

    def __init__(self, n: int, seed: int) -> None:
        self.n, self.generator = n, torch.Generator().manual_seed(seed)

    def __iter__(self) -> Iterator[int]:
        return iter(torch.randperm(self.n, generator=self.generator).tolist())

    def __len__(self) -> int:
        return self.n


def test_a_dataset_or_a_dataloader_trains_as_the_tensors_do() -> None:
    x, y = blobs()
    x_val, y_val = blobs(40, seed=1)
    results = []
    for data, val in [
        ((x, y), (x_val, y_val)),
        ((TensorDataset(x, y),), TensorDataset(x_val, y_val)),
        (
            (
                DataLoader(
                    TensorDataset(x, y),
                    batch_size=32,
                    sampler=Shuffled(len(x), seed=7),
                    generator=torch.Generator(),  # else it draws a seed from the dropout stream
                ),
            ),
            DataLoader(TensorDataset(x_val, y_val), batch_size=16),
        ),
    ]:
        model = dropout_net()
        history = fit(model, *data, val=val, epochs=3, seed=7, **QUIET)
        results.append((model, history))
    (model, history), *others = results
    for other_model, other_history in others:
        assert same_weights(model, other_model)
        assert other_history.loss == history.loss
        assert other_history.val_loss == pytest.approx(history.val_loss, rel=1e-6)
        assert other_history.metrics == history.metrics
    with pytest.raises(ValueError, match=r"targets must be None when inputs is a Dataset"):
        fit(dropout_net(), TensorDataset(x, y), y, **QUIET)
    with pytest.raises(ValueError, match=r"inputs must be made of \(inputs, targets\) pairs"):
        fit(dropout_net(), TensorDataset(x), epochs=1, **QUIET)


def test_optimizer_as_class_factory_or_instance() -> None:
    x, y = blobs()
    models = [dropout_net() for _ in range(3)]
    sgd = torch.optim.SGD
    choices = [sgd, lambda params: sgd(params, lr=0.1), sgd(models[2].parameters(), lr=0.1)]
    lrs = [0.1, training.ADAM_LR, training.ADAM_LR]
    for model, choice, lr in zip(models, choices, lrs, strict=True):
        history = fit(model, x, y, epochs=2, optimizer=choice, lr=lr, **QUIET)
        assert history.lr == [0.1, 0.1]
    assert same_weights(models[0], models[1]) and same_weights(models[1], models[2])
    adam = dropout_net()
    fit(adam, x, y, epochs=2, **QUIET)
    assert not same_weights(adam, models[0])
    with pytest.raises(ValueError, match=r"lr must be left at 0.003 when optimizer is a factory"):
        fit(dropout_net(), x, y, optimizer=lambda params: sgd(params, lr=0.1), lr=0.1, **QUIET)
    with pytest.raises(ValueError, match=r"optimizer must be an optimizer of this model's"):
        fit(dropout_net(), x, y, optimizer=sgd(nn.Linear(2, 2).parameters(), lr=0.1), **QUIET)
    with pytest.raises(ValueError, match=r"optimizer must be a factory that returns"):
        fit(dropout_net(), x, y, optimizer=lambda params: None, **QUIET)


def test_schedulers_step_once_per_epoch() -> None:
    x, y = blobs()
    model = dropout_net()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, 0.5)
    history = fit(model, x, y, epochs=3, optimizer=optimizer, scheduler=scheduler, **QUIET)
    assert history.lr == pytest.approx([0.1, 0.05, 0.025])

    def plateau(optimizer: torch.optim.Optimizer) -> object:
        return torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.1, patience=0)

    with pytest.raises(ValueError, match=r"val must be validation data when the scheduler is"):
        fit(dropout_net(), x, y, scheduler=plateau, **QUIET)
    x, y, val = noise()
    history = fit(overfitting_net(), x, y, val=val, scheduler=plateau, epochs=8, **OVERFIT)
    drops = [e for e in range(1, 8) if history.lr[e] < history.lr[e - 1]]
    stalled = [
        e + 1  # the rate falls for the epoch after one that did not improve
        for e in range(1, 7)
        if history.val_loss[e] >= min(history.val_loss[:e]) * (1 - 1e-4)  # its threshold
    ]
    assert drops and drops == stalled
    with pytest.raises(ValueError, match=r"scheduler must be a scheduler of the optimizer fit"):
        fit(dropout_net(), x, y, scheduler=scheduler, **QUIET)


def test_the_default_loss_fits_sequence_logits() -> None:
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(2, 12, (40, 9), generator=g)
    inputs, targets = ids[:, :-1], ids[:, 1:]  # (40, 8) each
    default, explicit = CharLM(12, hidden_size=16, seed=0), CharLM(12, hidden_size=16, seed=0)
    history = fit(default, inputs, targets, epochs=2, val=(inputs[:8], targets[:8]), **QUIET)
    fit(explicit, inputs, targets, epochs=2, loss_fn=sequence_cross_entropy, **QUIET)
    assert same_weights(default, explicit)
    assert 0.0 <= history.last("val_accuracy") <= 1.0
    with pytest.raises(ValueError, match=r"targets must be class labels shaped \(N, T\)"):
        fit(CharLM(12, hidden_size=16, seed=0), inputs, targets[:, 0], **QUIET)
    with pytest.raises(ValueError, match=r"targets must be class labels shaped \(N,\) = \(2,\)"):
        cross_entropy(torch.randn(2, 3), torch.zeros(2, 4, dtype=torch.long))
    logits, labels = torch.randn(5, 3), torch.tensor([0, 2, 1, 1, 0])
    assert torch.equal(cross_entropy(logits, labels), F.cross_entropy(logits, labels))


def test_progress_bar_none_true_false(capsys, monkeypatch) -> None:
    x, y = blobs(32)
    fit(nn.Linear(4, 2), x, y, epochs=3, progress=False)
    assert capsys.readouterr().err == ""
    history = fit(nn.Linear(4, 2), x, y, epochs=3, val=blobs(16, seed=1))  # progress=None
    bar = capsys.readouterr().err
    assert "3/3" in bar and "val_loss=" in bar and bar.endswith("\n")  # it stays on screen
    history.resume(2, progress=True)
    assert "5/5" in capsys.readouterr().err

    monkeypatch.setattr(training, "available", lambda module: False)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # tqdm is not installed
    fit(nn.Linear(4, 2), x, y, epochs=1)  # progress=None: no bar, no complaint
    assert capsys.readouterr().err == ""
    with pytest.raises(MissingExtraError, match=r"fit's progress bar needs tqdm.*\[progress\]"):
        fit(nn.Linear(4, 2), x, y, epochs=1, progress=True)


def test_in_jupyter_without_ipywidgets_the_text_bar_comes_without_a_warning(
    capsys, monkeypatch
) -> None:
    pytest.importorskip("tqdm")
    if "ipywidgets" in sys.modules or training.available("ipywidgets"):
        pytest.skip("ipywidgets is installed: tqdm would draw a widget")
    for name in ("tqdm.auto", "tqdm.autonotebook", "tqdm.notebook"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setitem(sys.modules, "ipykernel.zmqshell", types.ModuleType("zmqshell"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit(nn.Linear(4, 2), *blobs(32), epochs=2, progress=True)
    assert "2/2" in capsys.readouterr().err


def test_fit_trains_where_the_model_is_and_says_when_it_moves_it() -> None:
    x, y = blobs(32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fit(nn.Linear(4, 2), x, y, epochs=1, **QUIET).device == "cpu"
        assert fit(nn.Linear(4, 2), x, y, epochs=1, device="cpu", **QUIET).device == "cpu"
    if torch.cuda.is_available():
        model = nn.Linear(4, 2)
        with pytest.warns(UserWarning, match=r"fit moved the model from cpu to cuda"):
            history = fit(model, x, y, epochs=1, device="cuda", **QUIET)
        assert history.device.startswith("cuda") and next(model.parameters()).is_cuda


def test_pick_device_prefers_cuda_then_mps_then_cpu(monkeypatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert pick_device() == torch.device("mps")
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert pick_device() == torch.device("cpu")
    with pytest.raises(ValueError, match=r"device must be an available device \(this machine"):
        pick_device("mps")


def test_history_plot_draws_losses_and_metrics_without_touching_the_backend() -> None:
    matplotlib = pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    backend = matplotlib.get_backend()
    history = fit(nn.Linear(4, 2), *blobs(32), epochs=3, val=blobs(16, seed=1), **QUIET)
    figure = history.plot()
    try:
        assert [axes.get_title() for axes in figure.axes] == ["loss", "metrics"]
        labels = [line.get_label() for line in figure.axes[0].get_lines()]
        assert labels == ["training", "validation", "best"]
        assert matplotlib.get_backend() == backend
    finally:
        plt.close(figure)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"val": "held-out"}, r"val must be \(inputs, targets\) tensors"),
        ({"val": (torch.randn(5, 4), torch.zeros(4, dtype=torch.long))}, r"val\[1\] must hold 5"),
        ({"val": (torch.randn(5, 3), torch.zeros(5, dtype=torch.long))}, r"val\[0\] must be"),
        ({"patience": 2}, r"val must be validation data when patience is set, got None"),
        ({"patience": 0, "val": blobs(8)}, r"patience must be a positive int, got 0"),
        ({"optimizer": "adam"}, r"optimizer must be None, an optimizer class"),
        ({"scheduler": 3}, r"scheduler must be None, a factory"),
        ({"scheduler": lambda optimizer: 3}, r"scheduler must be a factory that returns"),
        (
            {"scheduler": torch.optim.lr_scheduler.StepLR},  # its step_size is missing
            r"scheduler must be a factory taking one argument, got one that failed: .*step_size",
        ),
        (
            {"val": DataLoader(TensorDataset(torch.randn(0, 4), torch.zeros(0).long()))},
            r"val must be data with at least one example, got an empty DataLoader",
        ),
        ({"metrics": {"val_accuracy": len}, "val": blobs(8)}, r"metrics must be names other"),
        ({"progress": "yes"}, r"progress must be a bool \(True or False\), got 'yes'"),
    ],
)
def test_bad_new_arguments_are_refused_by_name(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        fit(nn.Linear(4, 2), *blobs(16), epochs=1, **{"progress": False, **options})


def test_only_a_history_from_fit_can_resume() -> None:
    with pytest.raises(ValueError, match=r"resume needs a History returned by fit"):
        History(loss=[1.0]).resume(1)
    history = fit(nn.Linear(4, 2), *blobs(16), epochs=1, **QUIET)
    with pytest.raises(ValueError, match=r"epochs must be a positive int, got 0"):
        history.resume(0)
