"""One check used by the convolution tests: a from-scratch function equals PyTorch's."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import torch

DOUBLE = torch.float64


def assert_same_as(ours: Callable, theirs: Callable, x_shape, w_shape, bias=True, seed=0, **kwargs) -> None:
    """Outputs and the gradients of input, weight and bias of ``ours`` equal ``theirs``, in float64."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(x_shape, dtype=DOUBLE, generator=g).requires_grad_()
    w = torch.randn(w_shape, dtype=DOUBLE, generator=g).requires_grad_()
    b = torch.randn(w_shape[0], dtype=DOUBLE, generator=g).requires_grad_() if bias else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch warns about 'same' with even kernels
        expected = theirs(x, w, b, **kwargs)
    got = ours(x, w, b, **kwargs)
    torch.testing.assert_close(got, expected)
    grad = torch.randn(expected.shape, dtype=DOUBLE, generator=g)
    leaves = [t for t in (x, w, b) if t is not None]
    for mine, its in zip(torch.autograd.grad(got, leaves, grad), torch.autograd.grad(expected, leaves, grad), strict=True):
        torch.testing.assert_close(mine, its)
