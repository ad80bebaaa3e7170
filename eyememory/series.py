"""Noisy series, windows of the past, and two baselines for predicting the next value.

Predicting what comes next is the Memory's other classic job. Before trusting a recurrent
network with it, compare it with the two simplest forecasts:

* **last value**: tomorrow will be like today, $\\hat x_{t+1} = x_t$;
* **linear autoregression** AR($p$): tomorrow is a weighted sum of the last $p$ days,
  $\\hat x_{t+1} = c + \\sum_{k=1}^{p} a_k\\, x_{t+1-k}$, with the weights fitted by least
  squares (one call to ``torch.linalg.lstsq``).

Scores are mean squared errors, $\\mathrm{MSE} = \\frac{1}{N}\\sum_i (\\hat x_i - x_i)^2$.
"""

from __future__ import annotations

import math

import torch

from ._validation import check_rank


def noisy_sine(n: int, period: float = 40.0, sigma: float = 0.1, seed: int = 0) -> torch.Tensor:
    """$x_t = \\sin(2\\pi t / \\text{period}) + \\varepsilon_t$ with $\\varepsilon_t \\sim \\mathcal{N}(0, \\sigma^2)$.

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
    if not isinstance(n, int) or n < 2:
        raise ValueError(f"n must be an int >= 2, got {n!r}")
    if sigma < 0 or period <= 0:
        raise ValueError(f"sigma must be >= 0 and period > 0, got sigma={sigma}, period={period}")
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
    if not isinstance(p, int) or not 1 <= p < T:
        raise ValueError(f"p must be an int in [1, {T - 1}] for a series of length {T}, got {p!r}")
    X = series.unfold(0, p, 1)[:-1]  # (T - p, p)
    return X, series[p:]


def last_value(X: torch.Tensor) -> torch.Tensor:
    """The last-value forecast: each window's final value, shape ``(N,)``."""
    check_rank("X", X, (2,), "(N, p)")
    return X[:, -1]


class LinearAR:
    """Linear autoregression AR($p$), fitted by least squares.

    Examples:
        >>> X, y = windows(noisy_sine(500, sigma=0.0), p=4)
        >>> ar = LinearAR().fit(X, y)
        >>> ar.coefficients.shape, bool(mse(ar.predict(X), y) < 1e-6)  # a pure sine is exactly AR(2)
        (torch.Size([4]), True)
    """

    def __init__(self) -> None:
        self.coefficients: torch.Tensor | None = None
        self.intercept: float = 0.0

    def fit(self, X: torch.Tensor, y: torch.Tensor) -> LinearAR:
        """Least-squares weights for ``y ≈ X @ a + c``; returns ``self``."""
        check_rank("X", X, (2,), "(N, p)")
        if len(X) != len(y):
            raise ValueError(f"X and y must hold the same number of examples, got {len(X)} and {len(y)}")
        design = torch.cat([X.double(), torch.ones(len(X), 1, dtype=torch.float64)], dim=1)  # (N, p + 1)
        solution = torch.linalg.lstsq(design, y.double().unsqueeze(1)).solution.squeeze(1)  # (p + 1,)
        self.coefficients = solution[:-1].float()
        self.intercept = float(solution[-1])
        return self

    def predict(self, X: torch.Tensor) -> torch.Tensor:
        """Forecasts, shape ``(N,)``."""
        if self.coefficients is None:
            raise ValueError("LinearAR must be fitted before predict; call fit(X, y) first")
        check_rank("X", X, (2,), "(N, p)")
        if X.shape[1] != len(self.coefficients):
            raise ValueError(f"X must have p = {len(self.coefficients)} columns like the fitted model, got {X.shape[1]}")
        return X @ self.coefficients + self.intercept


def mse(prediction: torch.Tensor, target: torch.Tensor) -> float:
    """Mean squared error of ``prediction`` against ``target`` (same shape)."""
    if prediction.shape != target.shape:
        raise ValueError(f"prediction and target must have the same shape, got {tuple(prediction.shape)} and {tuple(target.shape)}")
    return float(((prediction - target) ** 2).mean())
