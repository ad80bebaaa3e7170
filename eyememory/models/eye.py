r"""The Eye: a small convolutional network that reads 8×8 handwritten digits.

Two rounds of *look, then summarise*: a convolution finds small patterns, a ReLU keeps
the positive evidence, pooling keeps the strongest response of each neighbourhood.
A linear layer then turns the final feature maps into ten scores, one per digit.

```text
image (1, 8, 8)
  -> conv1: 24 kernels 3×3, padding 1 -> ReLU -> max pool 2×2   (24, 4, 4)
  -> conv2: 48 kernels 3×3, padding 1 -> ReLU                   (48, 4, 4)
  -> head "max":     global max pool -> (48,)         -> fc -> (10,)
     head "flatten": max pool 2×2, flatten -> (192,)  -> fc -> (10,)
```

The global-max head keeps *what* was found and forgets *where*; the flatten head keeps
a coarse map of where. The chapter measures what that costs and buys when the digits
move. The layers are the package's own ([`Conv2d`][eyememory.nn.conv.Conv2d],
[`MaxPool2d`][eyememory.nn.pool.MaxPool2d], [`GlobalMaxPool2d`][eyememory.nn.pool.GlobalMaxPool2d]),
or PyTorch's with ``layers="torch"``; the parameters have the same names and shapes
either way, so a ``state_dict`` moves freely between the two.
"""

from __future__ import annotations

from typing import Literal

import torch
from torch import nn

from .._validation import check_choice, check_int, check_size, check_values, fail, pair
from ..nn import Conv2d, GlobalMaxPool2d, MaxPool2d
from ._building import Model, seeded

Head = Literal["max", "flatten"]
Layers = Literal["eyememory", "torch"]


class Eye(Model):
    """A small CNN classifier for 8×8 single-channel images.

    Args:
        head: ``"max"`` (global max pooling, shift-tolerant) or ``"flatten"`` (keeps where).
        channels: Kernels in the first and second convolution.
        num_classes: Number of outputs.
        layers: ``"eyememory"`` (this package's convolution and pooling) or ``"torch"``
            (``nn.Conv2d``, ``nn.MaxPool2d``, ``nn.AdaptiveMaxPool2d``), for speed comparison.
        seed: If given, the initial weights come from this seed (the global generator is
            left as it was).

    Attributes:
        head_kind: ``"max"`` or ``"flatten"``, as passed as ``head``.
        backend: ``"eyememory"`` or ``"torch"``, as passed as ``layers``.
        conv1: First convolution, weight ``(C1, 1, 3, 3)``.
        conv2: Second convolution, weight ``(C2, C1, 3, 3)``.
        fc: The linear read-out, ``(num_classes, C2)`` or ``(num_classes, 4 * C2)``; also
            reachable as ``head``, the name every model gives its read-out.

    Examples:
        >>> eye = Eye(seed=0)
        >>> eye(torch.rand(5, 1, 8, 8)).shape
        torch.Size([5, 10])
        >>> eye.head_kind, eye.head is eye.fc
        ('max', True)
        >>> eye.num_parameters()  # conv1 24*9 + 24, conv2 48*24*9 + 48, fc 48*10 + 10
        11146
        >>> fast = Eye(layers="torch")
        >>> fast.load_state_dict(eye.state_dict())
        <All keys matched successfully>
        >>> x = torch.rand(5, 1, 8, 8)
        >>> torch.allclose(fast(x), eye(x), atol=1e-5)
        True
    """

    def __init__(
        self,
        head: Head = "max",
        channels: tuple[int, int] = (24, 48),
        num_classes: int = 10,
        layers: Layers = "eyememory",
        seed: int | None = None,
    ) -> None:
        super().__init__()
        self.head_kind = check_choice("head", head, ("max", "flatten"))
        self.backend = check_choice("layers", layers, ("eyememory", "torch"))
        c1, c2 = self.channels = pair("channels", channels)
        self.num_classes = check_int("num_classes", num_classes)
        own = layers == "eyememory"
        conv = Conv2d if own else nn.Conv2d
        with seeded(seed):
            self.conv1 = conv(1, c1, kernel_size=3, padding=1)
            self.pool1 = MaxPool2d(2) if own else nn.MaxPool2d(2)
            self.conv2 = conv(c1, c2, kernel_size=3, padding=1)
            if head == "max":
                self.pool2 = GlobalMaxPool2d() if own else nn.AdaptiveMaxPool2d(1)
                self.fc = nn.Linear(c2, num_classes)
            else:
                self.pool2 = MaxPool2d(2) if own else nn.MaxPool2d(2)
                self.fc = nn.Linear(4 * c2, num_classes)

    @property
    def head(self) -> nn.Linear:
        """The linear read-out ``fc``, under the name every model gives its read-out."""
        return self.fc

    def features(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        """Every intermediate map, by name, for looking inside.

        Args:
            images: Shape ``(N, 1, 8, 8)``.

        Returns:
            ``conv1`` ``(N, C1, 8, 8)`` (after ReLU), ``pool1`` ``(N, C1, 4, 4)``,
            ``conv2`` ``(N, C2, 4, 4)`` (after ReLU), ``pool2`` ``(N, C2, 1, 1)`` or
            ``(N, C2, 2, 2)``, and ``logits`` ``(N, num_classes)``.
        """
        check_values("images", images, (4,), "(N, 1, 8, 8)")
        _N, C, H, W = images.shape
        check_size("images", C, 1, "channels (dim 1)")
        if (H, W) != (8, 8):
            raise fail("images", "8×8", f"{H}×{W}")
        maps = {}
        maps["conv1"] = torch.relu(self.conv1(images))  # (N, C1, 8, 8)
        maps["pool1"] = self.pool1(maps["conv1"])  # (N, C1, 4, 4)
        maps["conv2"] = torch.relu(self.conv2(maps["pool1"]))  # (N, C2, 4, 4)
        maps["pool2"] = self.pool2(maps["conv2"])  # (N, C2, 1, 1) or (N, C2, 2, 2)
        maps["logits"] = self.fc(maps["pool2"].flatten(start_dim=1))  # (N, num_classes)
        return maps

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Scores for each class, shape ``(N, num_classes)``, from images ``(N, 1, 8, 8)``."""
        return self.features(images)["logits"]
