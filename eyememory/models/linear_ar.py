"""Two baselines for predicting the next value of a series, to hold the Memory against.

Before trusting a recurrent network with a forecast, compare it with the two simplest:

* **last value**: tomorrow will be like today, $\\hat x_{t+1} = x_t$;
* **linear autoregression** AR($p$): tomorrow is a weighted sum of the last $p$ days,
  $\\hat x_{t+1} = c + \\sum_{k=1}^{p} a_k\\, x_{t+1-k}$, with the weights fitted by least
  squares (one call to ``torch.linalg.lstsq``).
"""

from __future__ import annotations

import torch

from .._validation import check_nonempty, check_rank, check_same_length, check_values, fail


def last_value(X: torch.Tensor) -> torch.Tensor:
    """The last-value forecast: each window's final value, shape ``(N,)``."""
    check_rank("X", X, (2,), "(N, p)")
    if X.shape[1] == 0:
        raise fail("X", "windows of at least one value", f"shape {tuple(X.shape)}")
    return X[:, -1]


class LinearAR:
    """Linear autoregression of order ``p``, AR(p), fitted by least squares.

    It reads windows of any length ``p``, shape ``(N, p)``, oldest value first, as
    ``windows`` makes them; ``fit`` sets ``p``, and ``predict`` then asks for the same.

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
        check_nonempty("X", check_values("X", X, (2,), "(N, p)"))
        check_same_length("y", check_values("y", y, (1,), "(N,)"), "X", len(X))
        design = torch.cat(
            [X.double(), torch.ones(len(X), 1, dtype=torch.float64)], dim=1
        )  # (N, p + 1)
        solution = torch.linalg.lstsq(design, y.double().unsqueeze(1)).solution.squeeze(
            1
        )  # (p + 1,)
        self.coefficients = solution[:-1].float()
        self.intercept = float(solution[-1])
        return self

    def predict(self, X: torch.Tensor) -> torch.Tensor:
        """Forecasts, shape ``(N,)``."""
        if self.coefficients is None:
            raise ValueError("LinearAR must be fitted before predict; call fit(X, y) first")
        check_values("X", X, (2,), "(N, p)")
        if X.shape[1] != len(self.coefficients):
            raise fail(
                "X",
                f"windows of p = {len(self.coefficients)} values like the fitted model",
                X.shape[1],
            )
        return X @ self.coefficients.to(X) + self.intercept
