"""Two baselines for predicting the next value of a series, to hold the Memory against.

Before trusting a recurrent network with a forecast, compare it with the two simplest:

* **last value**: tomorrow will be like today, $\\hat x_{t+1} = x_t$;
* **linear autoregression** AR($p$): tomorrow is a weighted sum of the last $p$ days,
  $\\hat x_{t+1} = c + \\sum_{k=1}^{p} a_k\\, x_{t+1-k}$, with the weights fitted by least
  squares (one call to ``torch.linalg.lstsq``).
"""

from __future__ import annotations

import torch

from .._validation import check_rank


def last_value(X: torch.Tensor) -> torch.Tensor:
    """The last-value forecast: each window's final value, shape ``(N,)``."""
    check_rank("X", X, (2,), "(N, p)")
    return X[:, -1]


class LinearAR:
    """Linear autoregression AR($p$), fitted by least squares.

    Examples:
        >>> from eyememory.data.series import noisy_sine, windows
        >>> X, y = windows(noisy_sine(500, sigma=0.0), p=4)
        >>> ar = LinearAR().fit(X, y)
        >>> error = ((ar.predict(X) - y) ** 2).mean()
        >>> ar.coefficients.shape, bool(error < 1e-6)  # a pure sine is exactly AR(2)
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
