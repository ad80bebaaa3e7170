r"""Plain feed-forward baselines: the networks the Eye and the Memory are measured against.

A multilayer perceptron (MLP) flattens its input into one long vector and passes it
through fully connected layers, each followed by a ReLU:

$$h_0 = \operatorname{flatten}(x), \qquad h_{\ell} = \operatorname{ReLU}(W_\ell h_{\ell-1} + b_\ell), \qquad y = W_{L} h_{L-1} + b_{L}$$

It has no notion of which inputs sit next to each other: shuffle the 64 pixels of a
digit in any fixed order and it learns exactly as well. Logistic regression is the
smallest member of the family, an MLP with no hidden layer: $y = W x + b$, one weight
per (pixel, class) pair.

Both return *logits*, one score per class; ``torch.nn.functional.cross_entropy`` (the
default loss of [`fit`][eyememory.training.fit]) turns them into probabilities.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from .._validation import check_tensor


class MLP(nn.Module):
    """A multilayer perceptron: flatten, then ``Linear -> ReLU`` per hidden layer, then ``Linear``.

    Args:
        in_features: Numbers per example once flattened (64 for an 8×8 digit).
        hidden: Width of each hidden layer, in order; ``()`` gives logistic regression.
        out_features: Outputs (classes).

    Attributes:
        layers: The ``nn.Sequential`` of linear layers and ReLUs, so parameters are named
            ``layers.0.weight``, ``layers.0.bias``, ``layers.2.weight``, ...

    Examples:
        >>> mlp = MLP(64, hidden=(64,), out_features=10)
        >>> mlp(torch.randn(5, 1, 8, 8)).shape  # any shape that flattens to 64 per example
        torch.Size([5, 10])
        >>> mlp.num_parameters()  # 64*64 + 64 + 64*10 + 10
        4810
    """

    def __init__(
        self, in_features: int = 64, hidden: Sequence[int] = (64,), out_features: int = 10
    ) -> None:
        super().__init__()
        sizes = [in_features, *hidden, out_features]
        if any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in sizes):
            raise ValueError(
                f"in_features, hidden sizes and out_features must be positive ints, got {sizes}"
            )
        self.in_features, self.hidden, self.out_features = in_features, tuple(hidden), out_features
        blocks: list[nn.Module] = []
        for fan_in, fan_out in zip(sizes[:-2], sizes[1:-1]):
            blocks += [nn.Linear(fan_in, fan_out), nn.ReLU()]
        blocks.append(nn.Linear(sizes[-2], sizes[-1]))
        self.layers = nn.Sequential(*blocks)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Flatten ``x`` of shape ``(N, ...)`` to ``(N, in_features)``; return logits ``(N, out_features)``."""
        check_tensor("x", x)
        if x.dim() < 2 or x[0].numel() != self.in_features:
            raise ValueError(
                f"x must have shape (N, ...) with {self.in_features} numbers per example, got shape {tuple(x.shape)}"
            )
        return self.layers(x.flatten(start_dim=1))  # (N, out_features)

    def num_parameters(self) -> int:
        """How many numbers training adjusts."""
        return sum(p.numel() for p in self.parameters())


class LogisticRegression(MLP):
    """Multinomial logistic regression: an [`MLP`][eyememory.models.feedforward.MLP] with no hidden layer.

    $$y = W\\,\\operatorname{flatten}(x) + b$$

    Args:
        in_features: Numbers per example once flattened.
        out_features: Classes.

    Examples:
        >>> model = LogisticRegression(64, 10)
        >>> model(torch.randn(5, 1, 8, 8)).shape
        torch.Size([5, 10])
        >>> model.num_parameters()  # 64*10 + 10
        650
    """

    def __init__(self, in_features: int = 64, out_features: int = 10) -> None:
        super().__init__(in_features, hidden=(), out_features=out_features)
