"""eyememory.nn.pool equals torch's pooling: values, indices and gradients, ties included."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.nn import functional as F

from eyememory.nn.pool import (
    AvgPool2d,
    GlobalAvgPool2d,
    GlobalMaxPool2d,
    MaxPool2d,
    avg_pool2d,
    global_avg_pool2d,
    global_max_pool2d,
    max_pool2d,
    pool_output_size,
)

from .equality import assert_same_on_input

DOUBLE = torch.float64


def inputs(shape, seed: int, ties: bool) -> torch.Tensor:
    """Random numbers, or small integers so that windows hold ties (as ReLU maps do)."""
    g = torch.Generator().manual_seed(seed)
    if ties:
        return torch.randint(0, 3, shape, generator=g).to(DOUBLE).requires_grad_()
    return torch.randn(shape, dtype=DOUBLE, generator=g).requires_grad_()


def same_as_torch(shape, seed=0, ties=False, **kwargs) -> None:
    x = inputs(shape, seed, ties)
    expected, expected_indices = F.max_pool2d(x, return_indices=True, **kwargs)
    got, got_indices = max_pool2d(x, return_indices=True, **kwargs)
    torch.testing.assert_close(got, expected)
    assert torch.equal(got_indices, expected_indices)
    grad = torch.randn(
        expected.shape, dtype=DOUBLE, generator=torch.Generator().manual_seed(seed + 1)
    )
    torch.testing.assert_close(
        torch.autograd.grad(got, x, grad)[0], torch.autograd.grad(expected, x, grad)[0]
    )


CASES = {
    "2x2": ((2, 3, 8, 8), dict(kernel_size=2)),
    "eye-pool1": ((32, 16, 8, 8), dict(kernel_size=2)),
    "odd-size": ((2, 3, 7, 5), dict(kernel_size=2)),
    "3x3-stride-2-pad-1": ((2, 3, 9, 8), dict(kernel_size=3, stride=2, padding=1)),
    "rectangular": ((2, 3, 9, 8), dict(kernel_size=(3, 2), stride=(1, 2), padding=(1, 0))),
    "overlapping": ((2, 2, 6, 6), dict(kernel_size=3, stride=1)),
    "dilation": ((2, 2, 9, 9), dict(kernel_size=2, dilation=3, stride=1)),
    "dilation-pair": ((2, 2, 9, 9), dict(kernel_size=3, dilation=(2, 1), padding=1)),
    "ceil": ((2, 3, 7, 7), dict(kernel_size=2, ceil_mode=True)),
    "ceil-padding": ((2, 3, 6, 5), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    "ceil-drops-window-in-padding": (
        (1, 1, 4, 4),
        dict(kernel_size=2, stride=2, padding=1, ceil_mode=True),
    ),
    "stride-list": ((2, 3, 8, 8), dict(kernel_size=[2, 2], stride=[1, 2])),
    "stride-empty": ((2, 3, 8, 8), dict(kernel_size=2, stride=[])),
    "whole-map": ((2, 3, 4, 4), dict(kernel_size=4)),
    "unbatched": ((3, 8, 8), dict(kernel_size=2)),
    "unbatched-ceil": ((3, 5, 7), dict(kernel_size=3, stride=2, ceil_mode=True)),
}


@pytest.mark.parametrize("ties", [False, True], ids=["distinct", "ties"])
@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_max_pool_equals_torch(case, ties) -> None:
    shape, kwargs = case
    same_as_torch(shape, ties=ties, **kwargs)


def test_minus_infinity_inputs_pick_torch_index() -> None:
    x = torch.randn(1, 2, 5, 5, dtype=DOUBLE)
    x[0, 0, :2] = float("-inf")
    x = x.requires_grad_()
    same = dict(kernel_size=3, stride=2, padding=1)
    torch.testing.assert_close(max_pool2d(x, **same), F.max_pool2d(x, **same))
    assert torch.equal(
        max_pool2d(x, return_indices=True, **same)[1],
        F.max_pool2d(x, return_indices=True, **same)[1],
    )


def test_second_derivatives() -> None:
    x = torch.randn(1, 2, 5, 5, dtype=DOUBLE, requires_grad=True)
    assert torch.autograd.gradgradcheck(lambda x: max_pool2d(x, 3, 2, 1), (x,))


def test_no_copy_of_the_input_is_changed() -> None:
    x = torch.randn(1, 1, 4, 4)
    before = x.clone()
    max_pool2d(x, 2)
    assert torch.equal(x, before)


def test_module_is_a_drop_in() -> None:
    x = inputs((2, 3, 9, 9), 0, ties=True)
    for kwargs in (
        dict(kernel_size=2),
        dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, dilation=1),
    ):
        torch.testing.assert_close(MaxPool2d(**kwargs)(x), nn.MaxPool2d(**kwargs)(x))
    values, indices = MaxPool2d(2, return_indices=True)(x)
    torch_values, torch_indices = nn.MaxPool2d(2, return_indices=True)(x)
    assert torch.equal(values, torch_values) and torch.equal(indices, torch_indices)
    # The indices are what MaxUnpool2d expects.
    torch.testing.assert_close(
        nn.MaxUnpool2d(2)(values, indices, output_size=x.shape),
        nn.MaxUnpool2d(2)(torch_values, torch_indices, output_size=x.shape),
    )
    assert repr(MaxPool2d(2)) == repr(nn.MaxPool2d(2))


@pytest.mark.parametrize("ties", [False, True], ids=["distinct", "ties"])
@pytest.mark.parametrize("shape", [(2, 3, 4, 4), (2, 5, 1, 7), (3, 4, 4)])
def test_global_pooling_equals_adaptive_pooling(shape, ties) -> None:
    for ours, theirs, module, torch_module in (
        (global_max_pool2d, F.adaptive_max_pool2d, GlobalMaxPool2d(), nn.AdaptiveMaxPool2d(1)),
        (global_avg_pool2d, F.adaptive_avg_pool2d, GlobalAvgPool2d(), nn.AdaptiveAvgPool2d(1)),
    ):
        x = inputs(shape, 0, ties)
        got, expected = ours(x), theirs(x, 1)
        torch.testing.assert_close(got, expected)
        torch.testing.assert_close(module(x), torch_module(x))
        grad = torch.randn_like(expected)
        torch.testing.assert_close(
            torch.autograd.grad(got, x, grad)[0], torch.autograd.grad(expected, x, grad)[0]
        )


# --- Average pooling --------------------------------------------------------------------

AVG_CASES = {
    "2x2": ((2, 3, 8, 8), dict(kernel_size=2)),
    "odd-size": ((2, 3, 7, 5), dict(kernel_size=2)),
    "3x3-stride-2-pad-1": ((2, 3, 9, 8), dict(kernel_size=3, stride=2, padding=1)),
    "pad-not-counted": (
        (2, 3, 9, 8),
        dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
    ),
    "rectangular": ((2, 3, 9, 8), dict(kernel_size=(3, 2), stride=(1, 2), padding=(1, 0))),
    "overlapping": ((2, 2, 6, 6), dict(kernel_size=3, stride=1)),
    "ceil": ((2, 3, 7, 7), dict(kernel_size=2, ceil_mode=True)),
    "ceil-padding": ((2, 3, 6, 5), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    "ceil-padding-not-counted": (
        (2, 3, 6, 5),
        dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
    ),
    "ceil-drops-window-in-padding": (
        (1, 1, 4, 4),
        dict(kernel_size=2, stride=2, padding=1, ceil_mode=True),
    ),
    "divisor": ((2, 3, 7, 7), dict(kernel_size=3, padding=1, ceil_mode=True, divisor_override=4)),
    "stride-empty": ((2, 3, 8, 8), dict(kernel_size=2, stride=[])),
    "whole-map": ((2, 3, 4, 4), dict(kernel_size=4)),
    "unbatched": ((3, 8, 8), dict(kernel_size=2)),
    "unbatched-ceil": ((3, 5, 7), dict(kernel_size=3, stride=2, ceil_mode=True)),
}


@pytest.mark.parametrize("case", AVG_CASES.values(), ids=AVG_CASES.keys())
def test_avg_pool_equals_torch(case) -> None:
    shape, kwargs = case
    assert_same_on_input(avg_pool2d, F.avg_pool2d, shape, **kwargs)


@settings(max_examples=60, deadline=None)
@given(
    kernel=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    stride=st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))),
    size=st.tuples(st.integers(1, 9), st.integers(1, 9)),
    ceil_mode=st.booleans(),
    count_include_pad=st.booleans(),
    pad=st.tuples(st.integers(0, 2), st.integers(0, 2)),
    seed=st.integers(0, 2**16),
)
def test_property_avg_pool_equals_torch(
    kernel, stride, size, ceil_mode, count_include_pad, pad, seed
) -> None:
    padding = (min(pad[0], kernel[0] // 2), min(pad[1], kernel[1] // 2))
    kwargs = dict(
        kernel_size=kernel,
        stride=stride,
        padding=padding,
        ceil_mode=ceil_mode,
        count_include_pad=count_include_pad,
    )
    x = torch.zeros(2, 2, *size, dtype=DOUBLE)
    try:
        F.avg_pool2d(x, **kwargs)
    except RuntimeError:
        with pytest.raises(ValueError):
            avg_pool2d(x, **kwargs)
        return
    assert_same_on_input(avg_pool2d, F.avg_pool2d, (2, 2, *size), seed=seed, **kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(kernel_size=2),
        dict(kernel_size=(3, 2), stride=1, padding=1, ceil_mode=True, count_include_pad=False),
        dict(kernel_size=3, divisor_override=2),
    ],
)
def test_avg_pool_module_is_a_drop_in(kwargs) -> None:
    x = inputs((2, 3, 9, 9), 0, ties=False)
    torch.testing.assert_close(AvgPool2d(**kwargs)(x), nn.AvgPool2d(**kwargs)(x))
    assert repr(AvgPool2d(**kwargs)) == repr(nn.AvgPool2d(**kwargs))


def test_avg_pool_second_derivatives() -> None:
    x = torch.randn(1, 2, 5, 5, dtype=DOUBLE, requires_grad=True)
    assert torch.autograd.gradgradcheck(lambda x: avg_pool2d(x, 3, 2, 1, True, False), (x,))


# --- Property-based ---------------------------------------------------------------------


@st.composite
def pool_arguments(draw):
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2)))
    stride = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    size = (draw(st.integers(1, 9)), draw(st.integers(1, 9)))
    batch = draw(st.sampled_from([None, 2]))
    shape = (2, *size) if batch is None else (batch, 2, *size)
    kwargs = dict(
        kernel_size=kernel,
        stride=stride,
        padding=padding,
        dilation=dilation,
        ceil_mode=draw(st.booleans()),
    )
    return shape, kwargs, draw(st.booleans()), draw(st.integers(0, 2**16))


def has_window_without_input(size: int, k: int, s: int, p: int, d: int, out: int) -> bool:
    return any(not any(0 <= i * s - p + m * d < size for m in range(k)) for i in range(out))


@settings(max_examples=100, deadline=None)
@given(pool_arguments())
def test_property_max_pool_equals_torch(arguments) -> None:
    shape, kwargs, ties, seed = arguments
    x = torch.zeros(shape, dtype=DOUBLE)
    try:
        out = F.max_pool2d(x, **kwargs)
    except RuntimeError:
        with pytest.raises(ValueError):
            max_pool2d(x, **kwargs)
        return
    H_out, W_out = out.shape[-2:]
    stride = kwargs["stride"] or kwargs["kernel_size"]
    k, p, d = kwargs["kernel_size"], kwargs["padding"], kwargs["dilation"]
    assert (H_out, W_out) == tuple(
        pool_output_size(shape[-2 + a], k[a], stride[a], p[a], d[a], kwargs["ceil_mode"])
        for a in (0, 1)
    )
    if any(
        has_window_without_input(shape[-2 + a], k[a], stride[a], p[a], d[a], (H_out, W_out)[a])
        for a in (0, 1)
    ):
        # Only -inf there; torch's index for such a window points at an unrelated pixel.
        torch.testing.assert_close(max_pool2d(x, **kwargs), out)
        return
    same_as_torch(shape, seed=seed, ties=ties, **kwargs)


# --- Bad input --------------------------------------------------------------------------

BAD = {
    "padding over half the kernel": (
        lambda: max_pool2d(torch.randn(1, 1, 8, 8), 3, padding=2),
        r"half the kernel size \(1, 1\), got \(2, 2\)",
    ),
    "window larger than input": (
        lambda: max_pool2d(torch.randn(1, 1, 3, 3), 4),
        r"must fit.*input 3×3.*output of 0×0",
    ),
    "zero kernel": (
        lambda: max_pool2d(torch.randn(1, 1, 8, 8), 0),
        r"kernel_size must be a positive int or a pair of positive ints, got 0",
    ),
    "zero stride": (
        lambda: max_pool2d(torch.randn(1, 1, 8, 8), 2, stride=0),
        r"stride must be a positive int or a pair of positive ints, got 0",
    ),
    "zero dilation": (
        lambda: max_pool2d(torch.randn(1, 1, 8, 8), 2, dilation=0),
        r"dilation must be a positive int or a pair of positive ints",
    ),
    "input of rank 2": (lambda: max_pool2d(torch.randn(8, 8), 2), r"3-D or 4-D.*got 2-D"),
    "empty plane": (lambda: max_pool2d(torch.randn(1, 1, 0, 8), 2), r"non-empty.*\(1, 1, 0, 8\)"),
    "integer input": (
        lambda: max_pool2d(torch.ones(1, 1, 4, 4, dtype=torch.long), 2),
        r"floating-point.*torch.int64",
    ),
    "global max of a vector": (lambda: global_max_pool2d(torch.randn(4)), r"3-D or 4-D.*got 1-D"),
    "global mean of an empty map": (
        lambda: global_avg_pool2d(torch.randn(1, 2, 0, 3)),
        r"non-empty",
    ),
    "global max without channels": (
        lambda: global_max_pool2d(torch.randn(1, 0, 3, 3)),
        r"non-empty in channels, height and width, got shape \(1, 0, 3, 3\)",
    ),
    "global mean of integers": (
        lambda: global_avg_pool2d(torch.ones(1, 2, 3, 3, dtype=torch.long)),
        r"floating-point.*torch.int64",
    ),
    "ceil_mode as a string": (
        lambda: max_pool2d(torch.randn(1, 1, 8, 8), 2, ceil_mode="False"),
        r"ceil_mode must be a bool \(True or False\), got 'False'",
    ),
    "return_indices as a string": (
        lambda: max_pool2d(torch.randn(1, 1, 8, 8), 2, return_indices="False"),
        r"return_indices must be a bool",
    ),
    "average of integers": (
        lambda: avg_pool2d(torch.ones(1, 1, 4, 4, dtype=torch.long), 2),
        r"floating-point.*torch.int64",
    ),
    "average with a zero divisor": (
        lambda: avg_pool2d(torch.randn(1, 1, 4, 4), 2, divisor_override=0),
        r"divisor_override must be a positive int, got 0",
    ),
    "count_include_pad as a string": (
        lambda: avg_pool2d(torch.randn(1, 1, 4, 4), 2, count_include_pad="no"),
        r"count_include_pad must be a bool \(True or False\), got 'no'",
    ),
    "average over half the kernel": (
        lambda: avg_pool2d(torch.randn(1, 1, 8, 8), 2, padding=2),
        r"half the kernel size \(1, 1\), got \(2, 2\)",
    ),
    "module with padding over half the kernel": (
        lambda: AvgPool2d(2, padding=2),
        r"half the kernel size \(1, 1\), got \(2, 2\)",
    ),
    "module with a zero kernel": (
        lambda: MaxPool2d(0),
        r"kernel_size must be a positive int or a pair of positive ints, got 0",
    ),
    "output size with stride 0": (
        lambda: pool_output_size(5, 2, 0),
        r"stride must be a positive int, got 0",
    ),
    "output size with ceil_mode a string": (
        lambda: pool_output_size(5, 2, 2, ceil_mode="yes"),
        r"ceil_mode must be a bool",
    ),
}


@pytest.mark.parametrize("call, message", BAD.values(), ids=BAD.keys())
def test_bad_input_is_a_clear_value_error(call, message) -> None:
    with pytest.raises(ValueError, match=message):
        call()
