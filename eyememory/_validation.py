"""Checks that turn bad input into a clear ``ValueError`` before torch sees it.

PyTorch's own errors come from deep inside a kernel ("Expected 3D (unbatched) or
4D (batched) input to conv2d, but got input of size: [8]"). A learner deserves a
message that names the argument, what was expected and what was got.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch


def check_tensor(name: str, value: object) -> torch.Tensor:
    """Raise ``ValueError`` unless ``value`` is a tensor; return it."""
    if not isinstance(value, torch.Tensor):
        raise ValueError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    return value


def check_rank(name: str, tensor: torch.Tensor, ranks: Sequence[int], layout: str) -> int:
    """Raise ``ValueError`` unless ``tensor.dim()`` is one of ``ranks``; return the rank.

    ``layout`` spells the expected shape, such as ``"(N, C, H, W) or (C, H, W)"``.
    """
    check_tensor(name, tensor)
    if tensor.dim() not in ranks:
        wanted = " or ".join(f"{r}-D" for r in ranks)
        raise ValueError(
            f"{name} must be {wanted} with shape {layout}, "
            f"got {tensor.dim()}-D with shape {tuple(tensor.shape)}"
        )
    return tensor.dim()


def check_size(name: str, got: int, expected: int, what: str) -> None:
    """Raise ``ValueError`` when a dimension has the wrong size."""
    if got != expected:
        raise ValueError(f"{name} must have {what} = {expected}, got {got}")


def pair(name: str, value: int | Sequence[int]) -> tuple[int, int]:
    """Turn an int or a pair of ints into a pair, as torch's ``_pair`` does, with a clear error."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    if isinstance(value, int):
        return (value, value)
    if isinstance(value, Sequence) and len(value) == 2 and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        return (int(value[0]), int(value[1]))
    raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
