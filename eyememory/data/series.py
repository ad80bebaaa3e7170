"""Noisy series and windows of the past: the data for predicting the next value.

Predicting what comes next is the Memory's other classic job. A series here is one noisy
wave, and a model sees it through windows: the last $p$ values, and the value to predict.
The baselines to beat are in `eyememory.models.linear_ar`.
"""

from __future__ import annotations

import math

import torch

from .._validation import check_int, check_number, check_rank, check_seed, fail


def noisy_sine(n: int, period: float = 40.0, sigma: float = 0.1, seed: int = 0) -> torch.Tensor:
    """A sine wave of ``n`` steps with Gaussian noise added to every step.

    $x_t = \\sin(2\\pi t / \\text{period}) + \\varepsilon_t$
    with $\\varepsilon_t \\sim \\mathcal{N}(0, \\sigma^2)$.

    The noise cannot be predicted, so no forecast can beat an MSE of $\\sigma^2$ on average.

    Args:
        n: Number of time steps.
        period: Steps per full wave.
        sigma: Standard deviation of the noise.
        seed: Seeds the noise (a private generator: the global one is untouched).

    Returns:
        The series, shape ``(n,)``, float32.

    Examples:
        >>> x = noisy_sine(400, sigma=0.0)
        >>> x.shape, round(float(x[10]), 4)  # a quarter of the way through the first wave
        (torch.Size([400]), 1.0)
    """
    check_int("n", n, least=2)
    check_number("period", period, 0.0, open_low=True)
    check_number("sigma", sigma, 0.0)
    check_seed("seed", seed)
    g = torch.Generator().manual_seed(seed)
    t = torch.arange(n, dtype=torch.float64)
    wave = torch.sin(2 * math.pi * t / period)
    return (wave + sigma * torch.randn(n, generator=g, dtype=torch.float64)).float()


def windows(series: torch.Tensor, p: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Every run of ``p`` consecutive values, and the value that follows it.

    Args:
        series: Shape ``(T,)``.
        p: Window length.

    Returns:
        ``(X, y)``: shapes ``(T - p, p)`` and ``(T - p,)``; ``y[i] = series[i + p]``.

    Examples:
        >>> X, y = windows(torch.arange(6.0), p=3)
        >>> X.tolist(), y.tolist()
        ([[0.0, 1.0, 2.0], [1.0, 2.0, 3.0], [2.0, 3.0, 4.0]], [3.0, 4.0, 5.0])
    """
    check_rank("series", series, (1,), "(T,)")
    (T,) = series.shape
    if check_int("p", p) >= T:
        raise fail("p", f"below the series' length {T}", p)
    X = series.unfold(0, p, 1)[:-1]  # (T - p, p)
    return X, series[p:]
