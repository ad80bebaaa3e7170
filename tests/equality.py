"""The checks the layer tests share: a from-scratch function equals PyTorch's, in float64."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import torch

DOUBLE = torch.float64


def assert_same_outputs_and_gradients(
    ours: Callable, theirs: Callable, leaves: list[torch.Tensor], generator: torch.Generator
) -> None:
    """``ours(*leaves)`` equals ``theirs(*leaves)``, and so do the gradients of every leaf."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch warns about 'same' with even kernels
        expected = theirs(*leaves)
    got = ours(*leaves)
    torch.testing.assert_close(got, expected)
    grad = torch.randn(expected.shape, dtype=DOUBLE, generator=generator)
    wanted = [t for t in leaves if t is not None]
    for mine, its in zip(
        torch.autograd.grad(got, wanted, grad),
        torch.autograd.grad(expected, wanted, grad),
        strict=True,
    ):
        torch.testing.assert_close(mine, its)


def assert_same_as(
    ours: Callable, theirs: Callable, x_shape, w_shape, bias=True, seed=0, **kwargs
) -> None:
    """A convolution: outputs and the gradients of input, weight and bias equal ``theirs``."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(x_shape, dtype=DOUBLE, generator=g).requires_grad_()
    w = torch.randn(w_shape, dtype=DOUBLE, generator=g).requires_grad_()
    b = torch.randn(w_shape[0], dtype=DOUBLE, generator=g).requires_grad_() if bias else None
    assert_same_outputs_and_gradients(
        lambda x, w, b: ours(x, w, b, **kwargs),
        lambda x, w, b: theirs(x, w, b, **kwargs),
        [x, w, b],
        g,
    )


def assert_same_on_input(ours: Callable, theirs: Callable, x_shape, seed=0, **kwargs) -> None:
    """A function of one input (pooling): outputs and input gradients equal ``theirs``."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(x_shape, dtype=DOUBLE, generator=g).requires_grad_()
    assert_same_outputs_and_gradients(
        lambda x: ours(x, **kwargs), lambda x: theirs(x, **kwargs), [x], g
    )
