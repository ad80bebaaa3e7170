"""eyememory.nn.conv equals torch's convolution: outputs and gradients, function and module."""

from __future__ import annotations

import json
import warnings

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.nn import functional as F

from benchmarks.conv import CONFIG, RESULTS
from eyememory.nn.conv import (
    Conv1d,
    Conv2d,
    conv2d,
    conv2d_sliding,
    conv_geometry,
    conv_output_size,
    pad2d,
)

from .equality import assert_same_as

DOUBLE = torch.float64
FORMS = {"im2col": conv2d, "sliding": conv2d_sliding}


def same_as_torch(form, x_shape, w_shape, bias=True, seed=0, **kwargs) -> None:
    """Outputs and the gradients of input, weight and bias equal F.conv2d's, in float64."""
    assert_same_as(form, F.conv2d, x_shape, w_shape, bias=bias, seed=seed, **kwargs)


# (input shape, weight shape, keyword arguments)
CASES = {
    "plain": ((2, 3, 7, 6), (4, 3, 3, 3), {}),
    "padding": ((2, 3, 7, 6), (4, 3, 3, 3), {"padding": 1}),
    "padding-pair": ((2, 3, 7, 6), (4, 3, 3, 3), {"padding": (2, 0)}),
    "padding-list": ((2, 3, 7, 6), (4, 3, 3, 3), {"padding": [0, 1]}),
    "wide-padding": ((1, 2, 3, 3), (2, 2, 2, 2), {"padding": 4}),
    "stride": ((2, 3, 9, 8), (4, 3, 3, 3), {"stride": 2}),
    "stride-pair": ((2, 3, 9, 8), (4, 3, 3, 3), {"stride": (3, 1), "padding": 1}),
    "stride-one-tuple": ((2, 3, 9, 8), (4, 3, 3, 3), {"stride": (2,)}),
    "stride-beyond-kernel": ((1, 2, 10, 10), (3, 2, 2, 2), {"stride": 4}),
    "dilation": ((2, 3, 9, 9), (4, 3, 3, 3), {"dilation": 2}),
    "dilation-pair": ((2, 3, 9, 9), (4, 3, 3, 2), {"dilation": (1, 3), "padding": 2}),
    "everything": (
        (2, 4, 11, 10),
        (6, 2, 3, 2),
        {"stride": (2, 3), "padding": (1, 2), "dilation": (2, 1), "groups": 2},
    ),
    "groups": ((2, 4, 6, 6), (6, 2, 3, 3), {"groups": 2}),
    "depthwise": ((2, 3, 6, 6), (6, 1, 3, 3), {"groups": 3}),
    "one-by-one": ((2, 5, 4, 4), (3, 5, 1, 1), {}),
    "rectangular": ((2, 2, 5, 9), (3, 2, 2, 4), {}),
    "kernel-as-large-as-input": ((2, 3, 4, 5), (2, 3, 4, 5), {}),
    "same-odd": ((2, 3, 7, 6), (4, 3, 3, 3), {"padding": "same"}),
    "same-even": ((2, 3, 7, 6), (4, 3, 4, 2), {"padding": "same"}),
    "same-dilated": ((2, 3, 7, 6), (4, 3, 2, 3), {"padding": "same", "dilation": (3, 2)}),
    "same-small-input": ((1, 1, 2, 2), (1, 1, 5, 5), {"padding": "same"}),
    "valid": ((2, 3, 7, 6), (4, 3, 3, 3), {"padding": "valid", "stride": 2}),
    "one-image": ((1, 1, 8, 8), (16, 1, 3, 3), {"padding": 1}),
    "unbatched": ((3, 7, 6), (4, 3, 3, 3), {"padding": 1}),
    "unbatched-same": ((3, 5, 6), (4, 3, 2, 2), {"padding": "same"}),
    "eye-conv2": ((4, 16, 4, 4), (32, 16, 3, 3), {"padding": 1}),
}


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_equals_torch_with_gradients(form, case) -> None:
    x_shape, w_shape, kwargs = case
    same_as_torch(form, x_shape, w_shape, **kwargs)


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_without_bias(form) -> None:
    same_as_torch(form, (2, 4, 6, 6), (6, 2, 3, 3), bias=False, groups=2, padding=1)


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_empty_batch(form) -> None:
    x, w = torch.randn(0, 3, 5, 5), torch.randn(4, 3, 3, 3)
    assert form(x, w).shape == F.conv2d(x, w).shape == (0, 4, 3, 3)


def test_float32_matches_torch() -> None:
    x, w, b = torch.randn(8, 3, 32, 32), torch.randn(16, 3, 3, 3), torch.randn(16)
    torch.testing.assert_close(
        conv2d(x, w, b, padding=1), F.conv2d(x, w, b, padding=1), rtol=1e-4, atol=1e-4
    )


def test_non_contiguous_input_and_weight() -> None:
    x = torch.randn(2, 3, 9, 8, dtype=DOUBLE).to(memory_format=torch.channels_last)
    x_t = torch.randn(2, 3, 8, 9, dtype=DOUBLE).transpose(-1, -2)  # a strided view
    w = torch.randn(4, 3, 3, 3, dtype=DOUBLE).transpose(-1, -2)
    for inp in (x, x_t, x[:, :, 1:, ::2]):
        for form in FORMS.values():
            torch.testing.assert_close(
                form(inp, w, padding=1, stride=2), F.conv2d(inp, w, padding=1, stride=2)
            )


def test_gradient_of_only_some_arguments() -> None:
    x = torch.randn(2, 3, 6, 6, dtype=DOUBLE)
    w = torch.randn(4, 3, 3, 3, dtype=DOUBLE, requires_grad=True)
    b = torch.randn(4, dtype=DOUBLE)
    (ours,) = torch.autograd.grad(conv2d(x, w, b).sum(), w)
    (theirs,) = torch.autograd.grad(F.conv2d(x, w, b).sum(), w)
    torch.testing.assert_close(ours, theirs)
    x.requires_grad_()
    w.requires_grad_(False)
    (ours,) = torch.autograd.grad(conv2d(x, w, b, padding=1).sum(), x)
    (theirs,) = torch.autograd.grad(F.conv2d(x, w, b, padding=1).sum(), x)
    torch.testing.assert_close(ours, theirs)


def test_second_derivatives() -> None:
    x = torch.randn(2, 4, 5, 5, dtype=DOUBLE, requires_grad=True)
    w = torch.randn(4, 2, 3, 2, dtype=DOUBLE, requires_grad=True)
    b = torch.randn(4, dtype=DOUBLE, requires_grad=True)
    assert torch.autograd.gradgradcheck(lambda x, w, b: conv2d(x, w, b, 2, (1, 0), 1, 2), (x, w, b))


def test_output_size_formula_matches_shapes() -> None:
    for H, k, s, p, d in [
        (32, 3, 1, 0, 1),
        (32, 3, 1, 1, 1),
        (9, 3, 2, 1, 1),
        (10, 2, 3, 0, 2),
        (7, 1, 4, 3, 1),
    ]:
        out = F.conv2d(
            torch.zeros(1, 1, H, H), torch.zeros(1, 1, k, k), stride=s, padding=p, dilation=d
        )
        assert out.shape[-1] == conv_output_size(H, k, s, p, d)


# --- Property-based: random shapes and arguments ------------------------------------------


@st.composite
def conv_arguments(draw):
    groups = draw(st.integers(1, 3))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kH, kW = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    if draw(st.booleans()):
        padding = draw(st.sampled_from(["same", "valid"]))
        stride = (1, 1) if padding == "same" else (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    else:
        padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
        stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    H, W = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    batch = draw(st.sampled_from([None, 1, 2]))
    x_shape = (c_in, H, W) if batch is None else (batch, c_in, H, W)
    kwargs = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    return (
        x_shape,
        (c_out, c_in // groups, kH, kW),
        draw(st.booleans()),
        draw(st.integers(0, 2**16)),
        kwargs,
    )


@settings(max_examples=80, deadline=None)
@given(conv_arguments())
def test_property_im2col_equals_torch(arguments) -> None:
    x_shape, w_shape, bias, seed, kwargs = arguments
    check_against_torch(conv2d, x_shape, w_shape, bias, seed, kwargs)


@settings(max_examples=30, deadline=None)
@given(conv_arguments())
def test_property_sliding_equals_torch(arguments) -> None:
    x_shape, w_shape, bias, seed, kwargs = arguments
    check_against_torch(conv2d_sliding, x_shape, w_shape, bias, seed, kwargs)


def check_against_torch(form, x_shape, w_shape, bias, seed, kwargs) -> None:
    """Torch refuses exactly when we do (with a ValueError); otherwise we agree."""
    x, w = torch.zeros(x_shape, dtype=DOUBLE), torch.zeros(w_shape, dtype=DOUBLE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            F.conv2d(x, w, **kwargs)
    except RuntimeError:
        with pytest.raises(ValueError):
            form(x, w, **kwargs)
        return
    same_as_torch(form, x_shape, w_shape, bias=bias, seed=seed, **kwargs)


# --- Bad input: a ValueError that names what was expected and what was got ----------------

BAD = {
    "wrong channel count": (
        lambda f: f(torch.randn(2, 4, 8, 8), torch.randn(16, 3, 3, 3)),
        r"3 channels.*got 4",
    ),
    "kernel larger than input": (
        lambda f: f(torch.randn(1, 3, 4, 4), torch.randn(2, 3, 5, 5)),
        r"spans 5×5.*got a padded input of 4×4",
    ),
    "kernel larger once dilated": (
        lambda f: f(torch.randn(1, 3, 4, 4), torch.randn(2, 3, 3, 3), dilation=2),
        r"spans 5×5.*4×4",
    ),
    "groups do not divide kernels": (
        lambda f: f(torch.randn(1, 4, 5, 5), torch.randn(3, 2, 3, 3), groups=2),
        r"groups=2.*got 3 kernels",
    ),
    "groups do not match channels": (
        lambda f: f(torch.randn(1, 3, 5, 5), torch.randn(4, 2, 3, 3), groups=2),
        r"4 channels.*got 3",
    ),
    "non-positive groups": (
        lambda f: f(torch.randn(1, 3, 5, 5), torch.randn(4, 3, 3, 3), groups=0),
        r"positive int, got 0",
    ),
    "input of rank 2": (
        lambda f: f(torch.randn(8, 8), torch.randn(1, 1, 3, 3)),
        r"3-D or 4-D.*got 2-D",
    ),
    "input of rank 5": (
        lambda f: f(torch.randn(1, 1, 1, 8, 8), torch.randn(1, 1, 3, 3)),
        r"got 5-D",
    ),
    "weight of rank 3": (
        lambda f: f(torch.randn(1, 1, 8, 8), torch.randn(1, 3, 3)),
        r"weight must be 4-D.*got 3-D",
    ),
    "bad padding string": (
        lambda f: f(torch.randn(1, 1, 8, 8), torch.randn(1, 1, 3, 3), padding="full"),
        r"'valid' or 'same', got 'full'",
    ),
    "same with a stride": (
        lambda f: f(torch.randn(1, 1, 8, 8), torch.randn(1, 1, 3, 3), padding="same", stride=2),
        r"stride 1, got stride=\(2, 2\)",
    ),
    "negative padding": (
        lambda f: f(torch.randn(1, 1, 8, 8), torch.randn(1, 1, 3, 3), padding=-1),
        r"padding must be a non-negative int or a pair of non-negative ints, got -1",
    ),
    "zero stride": (
        lambda f: f(torch.randn(1, 1, 8, 8), torch.randn(1, 1, 3, 3), stride=0),
        r"stride must be a positive int or a pair of positive ints, got 0",
    ),
    "zero dilation": (
        lambda f: f(torch.randn(1, 1, 8, 8), torch.randn(1, 1, 3, 3), dilation=(1, 0)),
        r"dilation must be a positive int or a pair of positive ints, got \(1, 0\)",
    ),
    "three strides": (
        lambda f: f(torch.randn(1, 1, 8, 8), torch.randn(1, 1, 3, 3), stride=(1, 1, 1)),
        r"a pair of positive ints, got \(1, 1, 1\)",
    ),
    "bias of wrong shape": (
        lambda f: f(torch.randn(1, 1, 8, 8), torch.randn(4, 1, 3, 3), torch.randn(3)),
        r"shape \(4,\).*got \(3,\)",
    ),
    "dtypes differ": (
        lambda f: f(torch.randn(1, 1, 8, 8), torch.randn(1, 1, 3, 3, dtype=DOUBLE)),
        r"weight must have the input's dtype and device \(torch.float32, cpu\), "
        r"got \(torch.float64, cpu\)",
    ),
    "integer input": (
        lambda f: f(
            torch.ones(1, 1, 8, 8, dtype=torch.long), torch.ones(1, 1, 3, 3, dtype=torch.long)
        ),
        r"floating-point.*torch.int64",
    ),
    "not a tensor": (lambda f: f([[1.0]], torch.randn(1, 1, 1, 1)), r"torch.Tensor, got list"),
    "no kernels": (
        lambda f: f(torch.randn(1, 3, 8, 8), torch.randn(0, 3, 3, 3)),
        r"weight must be non-empty .* got shape \(0, 3, 3, 3\)",
    ),
    "no input channels": (
        lambda f: f(torch.randn(1, 0, 8, 8), torch.randn(4, 0, 3, 3)),
        r"weight must be non-empty .* got shape \(4, 0, 3, 3\)",
    ),
    "kernel without taps": (
        lambda f: f(torch.randn(1, 3, 8, 8), torch.randn(4, 3, 0, 3)),
        r"weight must be non-empty",
    ),
    "bias of rank 2": (
        lambda f: f(torch.randn(1, 1, 8, 8), torch.randn(4, 1, 3, 3), torch.randn(4, 1)),
        r"bias must be 1-D with shape \(C_out,\), got 2-D",
    ),
    "integer bias": (
        lambda f: f(
            torch.randn(1, 1, 8, 8), torch.randn(4, 1, 3, 3), torch.zeros(4, dtype=torch.long)
        ),
        r"bias must have the input's dtype and device \(torch.float32, cpu\)",
    ),
    "groups as a string": (
        lambda f: f(torch.randn(1, 3, 5, 5), torch.randn(4, 3, 3, 3), groups="1"),
        r"groups must be a positive int, got '1'",
    ),
    "float stride": (
        lambda f: f(torch.randn(1, 1, 8, 8), torch.randn(1, 1, 3, 3), stride=1.0),
        r"stride must be a positive int or a pair of positive ints, got 1.0",
    ),
    "padding None": (
        lambda f: f(torch.randn(1, 1, 8, 8), torch.randn(1, 1, 3, 3), padding=None),
        r"padding must be a non-negative int or a pair of non-negative ints, got None",
    ),
}


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
@pytest.mark.parametrize("call, message", BAD.values(), ids=BAD.keys())
def test_bad_input_is_a_clear_value_error(form, call, message) -> None:
    with pytest.raises(ValueError, match=message):
        call(form)


def test_geometry_reports_uneven_same_padding() -> None:
    g = conv_geometry(torch.zeros(1, 1, 5, 5), torch.zeros(1, 1, 4, 2), padding="same")
    assert g.padding == (0, 1, 1, 2) and g.out_size == (5, 5)  # (left, right, top, bottom)


# --- Padding modes ------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("padding", [(1, 1, 1, 1), (2, 0, 1, 3), (0, 0, 0, 0), (3, 3, 2, 2)])
def test_pad2d_equals_torch(mode, padding) -> None:
    x = torch.randn(2, 3, 4, 5, dtype=DOUBLE, requires_grad=True)
    torch_mode = "constant" if mode == "zeros" else mode
    expected = F.pad(x, padding, mode=torch_mode)
    got = pad2d(x, padding, mode)
    torch.testing.assert_close(got, expected)
    grad = torch.randn_like(expected)
    torch.testing.assert_close(
        torch.autograd.grad(got, x, grad)[0], torch.autograd.grad(expected, x, grad)[0]
    )


@pytest.mark.parametrize(
    "padding, mode, message",
    [
        ((4, 0, 0, 0), "reflect", r"smaller than the input width 4, got \(4, 0\)"),
        ((0, 0, 5, 0), "circular", r"at most the input height 4, got \(5, 0\)"),
        (
            (1, 1, 1),
            "zeros",
            r"padding must be 4 non-negative ints \(left, right, top, bottom\), got \(1, 1, 1\)",
        ),
        ((1, 1, 1, 1), "mirror", r"mode must be one of.*got 'mirror'"),
    ],
)
def test_pad2d_refuses(padding, mode, message) -> None:
    with pytest.raises(ValueError, match=message):
        pad2d(torch.randn(1, 1, 4, 4), padding, mode)


# --- The module ---------------------------------------------------------------------------

MODULES = {
    "plain": dict(in_channels=3, out_channels=8, kernel_size=3),
    "no-bias": dict(in_channels=3, out_channels=8, kernel_size=3, bias=False),
    "rectangular": dict(
        in_channels=2, out_channels=4, kernel_size=(2, 3), stride=(2, 1), padding=(1, 2)
    ),
    "groups": dict(in_channels=4, out_channels=6, kernel_size=3, groups=2, dilation=2, padding=2),
    "same-even": dict(in_channels=3, out_channels=4, kernel_size=(4, 3), padding="same"),
    "valid": dict(in_channels=3, out_channels=4, kernel_size=3, padding="valid", stride=2),
    **{
        f"{mode}-{pad}": dict(
            in_channels=3, out_channels=4, kernel_size=(3, 2), padding=pad, padding_mode=mode
        )
        for mode in ("zeros", "reflect", "replicate", "circular")
        for pad in (1, (2, 1), "same")
    },
}


@pytest.mark.parametrize("kwargs", MODULES.values(), ids=MODULES.keys())
def test_module_is_a_drop_in(kwargs) -> None:
    torch.manual_seed(0)
    theirs = nn.Conv2d(**kwargs, dtype=DOUBLE)
    torch.manual_seed(0)
    ours = Conv2d(**kwargs, dtype=DOUBLE)
    # Same seed, same parameters: the initialisation is torch's, number for number.
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    for (_, a), (_, b) in zip(ours.named_parameters(), theirs.named_parameters(), strict=True):
        assert torch.equal(a, b)
    assert repr(ours) == repr(theirs)
    # A state dict moves either way.
    ours.reset_parameters()
    theirs.load_state_dict(ours.state_dict())
    for x in (
        torch.randn(
            2, 3 if kwargs["in_channels"] == 3 else kwargs["in_channels"], 7, 6, dtype=DOUBLE
        ),
    ):
        x.requires_grad_()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            expected = theirs(x)
        got = ours(x)
        torch.testing.assert_close(got, expected)
        grad = torch.randn_like(expected)
        got_grads = torch.autograd.grad(got, [x, *ours.parameters()], grad)
        expected_grads = torch.autograd.grad(expected, [x, *theirs.parameters()], grad)
        for a, b in zip(got_grads, expected_grads, strict=True):
            torch.testing.assert_close(a, b)
        torch.testing.assert_close(ours(x[0]), theirs(x[0]))  # unbatched


def test_module_init_statistics() -> None:
    """Uniform in ±1/sqrt(fan_in): fan_in = 2 * 3 * 3 = 18."""
    torch.manual_seed(0)
    conv = Conv2d(4, 1000, 3, groups=2)
    bound = 1 / 18**0.5
    assert conv.weight.abs().max() <= bound and conv.weight.abs().max() > 0.99 * bound
    assert abs(conv.weight.std().item() - bound / 3**0.5) < 0.01


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            dict(in_channels=3, out_channels=4, kernel_size=3, groups=2),
            r"groups=2 must divide.*got 3 and 4",
        ),
        (dict(in_channels=3, out_channels=4, kernel_size=3, padding="full"), r"got 'full'"),
        (
            dict(in_channels=3, out_channels=4, kernel_size=3, padding="same", stride=2),
            r"stride 1, got stride=\(2, 2\)",
        ),
        (
            dict(in_channels=3, out_channels=4, kernel_size=3, padding_mode="mirror"),
            r"padding_mode must be one of.*'mirror'",
        ),
        (
            dict(in_channels=0, out_channels=4, kernel_size=3),
            r"in_channels must be a positive int, got 0",
        ),
        (
            dict(in_channels=3, out_channels=4, kernel_size=0),
            r"kernel_size must be a positive int or a pair of positive ints, got 0",
        ),
        (
            dict(in_channels=3, out_channels=4, kernel_size=3, bias="False"),
            r"bias must be a bool \(True or False\), got 'False'",
        ),
        (
            dict(in_channels=3.0, out_channels=4, kernel_size=3),
            r"in_channels must be a positive int, got 3.0",
        ),
        (
            dict(in_channels=3, out_channels=4, kernel_size=3, dtype=torch.long),
            r"dtype must be None or a floating-point torch.dtype, got torch.int64",
        ),
        (
            dict(in_channels=3, out_channels=4, kernel_size=3, padding_mode=["zeros"]),
            r"padding_mode must be one of .*, got \['zeros'\]",
        ),
    ],
)
def test_module_refuses_bad_arguments(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        Conv2d(**kwargs)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(size=32, kernel_size=3, stride=0), r"stride must be a positive int, got 0"),
        (dict(size=-1, kernel_size=3), r"size must be a non-negative int, got -1"),
        (dict(size=32.0, kernel_size=3), r"size must be a non-negative int, got 32.0"),
        (dict(size=32, kernel_size=0), r"kernel_size must be a positive int, got 0"),
        (dict(size=32, kernel_size=3, padding=-1), r"padding must be a non-negative int, got -1"),
        (dict(size=32, kernel_size=3, dilation=True), r"dilation must be a positive int, got True"),
    ],
)
def test_output_size_refuses_bad_arguments(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        conv_output_size(**kwargs)


@pytest.mark.parametrize("module", [Conv2d, Conv1d])
def test_modules_refuse_integer_input(module) -> None:
    x = torch.ones((2, 3, 8) if module is Conv1d else (2, 3, 8, 8), dtype=torch.long)
    for padding_mode in ("zeros", "reflect"):
        with pytest.raises(ValueError, match=r"input must be a floating-point tensor"):
            module(3, 4, 3, padding=1, padding_mode=padding_mode)(x)


def test_module_refuses_wrong_channels() -> None:
    with pytest.raises(ValueError, match=r"3 channels.*got 1"):
        Conv2d(3, 4, 3)(torch.randn(2, 1, 8, 8))
    with pytest.raises(ValueError, match=r"3-D or 4-D.*got 2-D"):
        Conv2d(3, 4, 3, padding=1, padding_mode="reflect")(torch.randn(8, 8))


# --- The benchmark's recorded results belong to its current configuration ----------------


def test_benchmark_results_match_the_script() -> None:
    report = json.loads(RESULTS.read_text())
    assert report["config"] == json.loads(json.dumps(CONFIG)), (
        "benchmarks/results/conv.json is stale: run `python -m benchmarks.conv`"
    )
    assert set(report["results"]) == {*CONFIG["cases"], "sliding", "eye_step", "eye_training"}
    assert {"processor", "cores", "torch", "threads"} <= set(report["machine"])


# --- One base for both modules: torch's repr, word for word --------------------------------

REPRS = [
    dict(in_channels=3, out_channels=8, kernel_size=3),
    dict(in_channels=4, out_channels=6, kernel_size=2, stride=2, padding=1, dilation=2, groups=2),
    dict(in_channels=3, out_channels=4, kernel_size=3, padding="same", bias=False),
    dict(in_channels=3, out_channels=4, kernel_size=3, padding="valid"),
    dict(in_channels=3, out_channels=4, kernel_size=3, padding=1, padding_mode="circular"),
]


@pytest.mark.parametrize("kwargs", REPRS)
@pytest.mark.parametrize("ours, theirs", [(Conv1d, nn.Conv1d), (Conv2d, nn.Conv2d)])
def test_repr_is_torchs(ours, theirs, kwargs) -> None:
    assert repr(ours(**kwargs)) == repr(theirs(**kwargs))
    assert ours(**kwargs).kernel_size == theirs(**kwargs).kernel_size  # tuples, as torch keeps
