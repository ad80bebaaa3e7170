r"""Plain feed-forward baselines: the networks the Eye and the Memory are measured against.

A multilayer perceptron (MLP) flattens its input into one long vector and passes it
through fully connected layers, each followed by a ReLU:

$$
h_0 = \operatorname{flatten}(x), \qquad
h_{\ell} = \operatorname{ReLU}(W_\ell h_{\ell-1} + b_\ell), \qquad
y = W_{L} h_{L-1} + b_{L}
$$

It has no notion of which inputs sit next to each other: shuffle the pixels of an image
(the 64 of a digit) in any fixed order and it learns exactly as well. Logistic regression
is the smallest member of the family, an MLP with no hidden layer, one weight per
(input, class) pair: $y = W x + b$.

Both read any input that flattens to ``in_features`` numbers per example: an image
``(N, C, H, W)`` with ``in_features = C·H·W``, a batch of vectors ``(N, in_features)``.

Both return *logits*, one score per class; ``torch.nn.functional.cross_entropy`` (the
default loss of ``fit``) turns them into probabilities.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import torch
from torch import nn

from .._validation import check_int, check_ints, check_tensor, check_values, fail
from ._building import Model, seeded


class MLP(Model):
    """A multilayer perceptron: flatten, then ``Linear -> ReLU`` per hidden layer, then ``Linear``.

    Args:
        in_features: Numbers per example once flattened: ``C·H·W`` for images of shape
            ``(C, H, W)``, so 64 for an 8×8 digit.
        hidden: Width of each hidden layer, in order; one int is one hidden layer, and
            ``()`` gives logistic regression.
        num_classes: Outputs (classes).
        seed: If given, the initial weights come from this seed (the global generator is
            left as it was).

    Attributes:
        layers: The ``nn.Sequential`` of linear layers and ReLUs, so parameters are named
            ``layers.0.weight``, ``layers.0.bias``, ``layers.2.weight``, ...
        head: The last linear layer, ``layers[-1]``.

    Examples:
        >>> mlp = MLP(64, hidden=(64,), num_classes=10, seed=0)
        >>> mlp(torch.randn(5, 1, 8, 8)).shape  # any shape that flattens to 64 per example
        torch.Size([5, 10])
        >>> mlp.num_parameters()  # 64*64 + 64 + 64*10 + 10
        4810
        >>> wider = MLP(3 * 16 * 16, hidden=64, num_classes=2)  # colour images of 16×16
        >>> wider(torch.rand(5, 3, 16, 16)).shape, wider.hidden
        (torch.Size([5, 2]), (64,))
    """

    def __init__(
        self,
        in_features: int = 64,
        hidden: int | Sequence[int] = (64,),
        num_classes: int = 10,
        seed: int | None = None,
    ) -> None:
        super().__init__()
        self.in_features = check_int("in_features", in_features)
        self.hidden = check_ints("hidden", hidden, allow_empty=True, or_int=True)
        self.num_classes = check_int("num_classes", num_classes)
        sizes = [in_features, *self.hidden, num_classes]
        blocks: list[nn.Module] = []
        with seeded(seed):
            for fan_in, fan_out in pairwise(sizes[:-1]):
                blocks += [nn.Linear(fan_in, fan_out), nn.ReLU()]
            blocks.append(nn.Linear(sizes[-2], sizes[-1]))
        self.layers = nn.Sequential(*blocks)

    @property
    def head(self) -> nn.Linear:
        """The last linear layer, the read-out, under the name every model gives it."""
        return self.layers[-1]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Flatten ``x`` of shape ``(N, ...)`` to ``(N, in_features)``.

        Returns logits ``(N, num_classes)``.
        """
        check_tensor("x", x)
        if x.dim() < 2 or x[0].numel() != self.in_features:
            expected = f"shaped (N, ...) with {self.in_features} numbers per example"
            raise fail("x", expected, f"shape {tuple(x.shape)}")
        check_values("x", x, range(2, 64), "(N, ...)")
        return self.layers(x.flatten(start_dim=1))  # (N, num_classes)


class LogisticRegression(MLP):
    """Multinomial logistic regression: an ``MLP`` with no hidden layer.

    $$y = W\\,\\operatorname{flatten}(x) + b$$

    Args:
        in_features: Numbers per example once flattened: ``C·H·W`` for images of shape
            ``(C, H, W)``.
        num_classes: Classes.
        seed: If given, the initial weights come from this seed.

    Examples:
        >>> model = LogisticRegression(64, 10, seed=0)
        >>> model(torch.randn(5, 1, 8, 8)).shape
        torch.Size([5, 10])
        >>> model.num_parameters()  # 64*10 + 10
        650
        >>> LogisticRegression(3 * 32 * 32, num_classes=2)(torch.rand(5, 3, 32, 32)).shape
        torch.Size([5, 2])
    """

    def __init__(
        self, in_features: int = 64, num_classes: int = 10, seed: int | None = None
    ) -> None:
        super().__init__(in_features, hidden=(), num_classes=num_classes, seed=seed)
