r"""The Eye: a small convolutional network that reads images, such as the 8×8 digits.

Two rounds of *look, then summarise*: a convolution finds small patterns, a ReLU keeps
the positive evidence, pooling keeps the strongest response of each neighbourhood.
A linear layer then turns the final feature maps into one score per class.

```text
image (C, H, W)                          the digits: (1, 8, 8)
  -> conv1: C1 kernels 3×3, padding 1 -> ReLU -> max pool 2×2   (C1, H/2, W/2)
  -> conv2: C2 kernels 3×3, padding 1 -> ReLU                   (C2, H/2, W/2)
  -> head "max":     global max pool -> (C2,)                   -> fc -> (num_classes,)
     head "flatten": max pool 2×2, flatten -> (C2·H/4·W/4,)     -> fc -> (num_classes,)
```

(The halvings round down, as pooling does.) Each output of ``conv2`` sees an 8×8 patch of
the image, its *receptive field*: the 3×3 kernel of ``conv2`` spans 3 pooled positions,
which cover 6 rows of ``conv1``'s map, which the 3×3 kernel of ``conv1`` widens by one row
on each side.

The global-max head keeps *what* was found and forgets *where*, so it reads an image of
any size at least as large as that field; the flatten head keeps a coarse map of where,
so its read-out is built for one image size (``image_size``). The chapter measures what
that costs and buys when the digits move. The layers are the package's own (``Conv2d``,
``MaxPool2d``, ``GlobalMaxPool2d``), or PyTorch's with ``layers="torch"``; the parameters
have the same names and shapes either way, so a ``state_dict`` moves freely between the two.
"""

from __future__ import annotations

from typing import Literal

import torch
from torch import nn

from .._validation import check_choice, check_int, check_size, check_values, fail, pair
from ..nn import Conv2d, GlobalMaxPool2d, MaxPool2d
from ..nn.functional import pool_output_size
from ._building import Model, receptive_field, seeded

Head = Literal["max", "flatten"]
Layers = Literal["eyememory", "torch"]


class Eye(Model):
    """A small CNN classifier for images of ``in_channels`` channels.

    With the global-max head (the default) it reads images of any size at least as large
    as its receptive field, 8×8; with the flatten head, images of exactly ``image_size``.

    Args:
        head: ``"max"`` (global max pooling, shift-tolerant) or ``"flatten"`` (keeps where).
        channels: Kernels in the first and second convolution.
        num_classes: Number of outputs.
        layers: ``"eyememory"`` (this package's convolution and pooling) or ``"torch"``
            (``nn.Conv2d``, ``nn.MaxPool2d``, ``nn.AdaptiveMaxPool2d``), for speed comparison.
        seed: If given, the initial weights come from this seed (the global generator is
            left as it was).
        in_channels: Channels of every image ``C``: 1 for grey, 3 for colour.
        image_size: ``(H, W)`` (or one int for a square) that every image must have, at
            least the receptive field. The flatten head's read-out is built for it, and
            ``None`` means 8×8 there, the digits' size; the global-max head needs no fixed
            size, and ``None`` lets it read any image at least 8×8.

    Attributes:
        head_kind: ``"max"`` or ``"flatten"``, as passed as ``head``.
        backend: ``"eyememory"`` or ``"torch"``, as passed as ``layers``.
        in_channels: As passed.
        image_size: The size every image must have, ``(H, W)``, or ``None`` for any size
            at least ``receptive_field`` (global-max head only).
        conv1: First convolution, weight ``(C1, in_channels, 3, 3)``.
        conv2: Second convolution, weight ``(C2, C1, 3, 3)``.
        fc: The linear read-out, ``(num_classes, C2)`` for the global-max head or
            ``(num_classes, C2 · H/4 · W/4)`` for the flatten head; also reachable as
            ``head``, the name every model gives its read-out.

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

        Colour images of any size, with the global-max head:

        >>> colour = Eye(num_classes=2, in_channels=3, seed=0)
        >>> colour(torch.rand(4, 3, 16, 16)).shape, colour(torch.rand(4, 3, 9, 13)).shape
        (torch.Size([4, 2]), torch.Size([4, 2]))
        >>> colour.receptive_field  # each output of conv2 sees 8×8 pixels
        (8, 8)
        >>> Eye(head="flatten", image_size=16).fc.in_features  # 48 maps of 4×4
        768
    """

    def __init__(
        self,
        head: Head = "max",
        channels: tuple[int, int] = (24, 48),
        num_classes: int = 10,
        layers: Layers = "eyememory",
        seed: int | None = None,
        *,
        in_channels: int = 1,
        image_size: int | tuple[int, int] | None = None,
    ) -> None:
        super().__init__()
        self.head_kind = check_choice("head", head, ("max", "flatten"))
        self.backend = check_choice("layers", layers, ("eyememory", "torch"))
        c1, c2 = self.channels = pair("channels", channels)
        self.num_classes = check_int("num_classes", num_classes)
        self.in_channels = check_int("in_channels", in_channels)
        if image_size is None and head == "flatten":
            image_size = 8  # the digits' size, the flatten head's size before it had a choice
        self.image_size = None if image_size is None else pair("image_size", image_size)
        own = layers == "eyememory"
        conv = Conv2d if own else nn.Conv2d
        with seeded(seed):
            self.conv1 = conv(in_channels, c1, kernel_size=3, padding=1)
            self.pool1 = MaxPool2d(2) if own else nn.MaxPool2d(2)
            self.conv2 = conv(c1, c2, kernel_size=3, padding=1)
            if self.image_size is not None:
                self._check_fits("image_size", self.image_size, self.image_size)
            if head == "max":
                self.pool2 = GlobalMaxPool2d() if own else nn.AdaptiveMaxPool2d(1)
                self.fc = nn.Linear(c2, num_classes)
            else:
                self.pool2 = MaxPool2d(2) if own else nn.MaxPool2d(2)
                H2, W2 = (pool_output_size(n // 2, 2, 2) for n in self.image_size)  # two poolings
                self.fc = nn.Linear(c2 * H2 * W2, num_classes)

    @property
    def head(self) -> nn.Linear:
        """The linear read-out ``fc``, under the name every model gives its read-out."""
        return self.fc

    @property
    def receptive_field(self) -> tuple[int, int]:
        """Height and width of the image patch that one output of ``conv2`` sees: ``(8, 8)``.

        Computed from the layers (``conv1``, ``pool1``, ``conv2``); also the smallest image
        the Eye reads, so that at least one output of ``conv2`` sees a whole field's worth
        of the image.
        """
        return receptive_field(self.conv1, self.pool1, self.conv2)

    def _check_fits(self, name: str, size: tuple[int, int], got: object) -> None:
        """``size`` at least the receptive field on both axes, else a ``ValueError`` naming
        ``name``."""
        field = self.receptive_field
        if size[0] < field[0] or size[1] < field[1]:
            raise fail(name, f"at least {field[0]}×{field[1]}, the Eye's receptive field", got)

    def features(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        """Every intermediate map, by name, for looking inside.

        Args:
            images: Shape ``(N, in_channels, H, W)``, at least 8×8, and ``image_size`` if
                the Eye has one.

        Returns:
            ``conv1`` ``(N, C1, H, W)`` (after ReLU), ``pool1`` ``(N, C1, H/2, W/2)``,
            ``conv2`` ``(N, C2, H/2, W/2)`` (after ReLU), ``pool2`` ``(N, C2, 1, 1)`` or
            ``(N, C2, H/4, W/4)``, and ``logits`` ``(N, num_classes)``; the halvings
            round down.
        """
        check_values("images", images, (4,), f"(N, {self.in_channels}, H, W)")
        _N, C, H, W = images.shape
        check_size("images", C, self.in_channels, "channels (dim 1)")
        if self.image_size not in (None, (H, W)):
            fixed_H, fixed_W = self.image_size
            raise fail("images", f"of image_size {fixed_H}×{fixed_W}", f"{H}×{W}")
        self._check_fits("images", (H, W), f"{H}×{W}")
        maps = {}
        maps["conv1"] = torch.relu(self.conv1(images))  # (N, C1, H, W)
        maps["pool1"] = self.pool1(maps["conv1"])  # (N, C1, H/2, W/2)
        maps["conv2"] = torch.relu(self.conv2(maps["pool1"]))  # (N, C2, H/2, W/2)
        maps["pool2"] = self.pool2(maps["conv2"])  # (N, C2, 1, 1) or (N, C2, H/4, W/4)
        maps["logits"] = self.fc(maps["pool2"].flatten(start_dim=1))  # (N, num_classes)
        return maps

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Scores for each class, shape ``(N, num_classes)``, from images ``(N, C, H, W)``."""
        return self.features(images)["logits"]
