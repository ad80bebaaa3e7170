"""The package's one set of argument checks: bad input becomes a clear ``ValueError`` early.

PyTorch's own errors come from deep inside a kernel ("Expected 3D (unbatched) or 4D
(batched) input to conv2d, but got input of size: [8]"). A learner deserves a message that
names the argument, what was expected and what was got, always in one form:

    NAME must be EXPECTED, got VALUE

Every public function and constructor of the package checks its arguments with these, and
none keeps a private copy. Each check returns the value it accepted (normalised where
torch normalises it, as ``pair`` does), so a check and its assignment are one line.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence

import torch


def shown(value: object) -> str:
    """How a bad value appears after "got": a tensor by its shape and dtype, else its repr."""
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 60 else f"{type(value).__name__} {text[:57]}..."


def fail(name: str, expected: str, got: object) -> ValueError:
    """The one message form, ready to raise: ``NAME must be EXPECTED, got VALUE``.

    ``got`` is shown with `shown` unless it is already text
    starting with a word that reads as a description (pass ``str`` values through ``shown``
    yourself when they are the bad value).
    """
    return ValueError(f"{name} must be {expected}, got {got}")


def is_int(value: object) -> bool:
    """An ``int`` and not a ``bool`` (``True`` is an int to Python, never a size to a learner)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> bool:
    """An ``int`` or a ``float``, not a ``bool``."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_int(name: str, value: object, least: int | None = 1) -> int:
    """An int (not a bool) of at least ``least``; the default asks for a positive int.

    ``least=None`` accepts any int, negative ones included (a shift to the left).
    """
    if not is_int(value) or (least is not None and value < least):
        wanted = {1: "a positive int", 0: "a non-negative int", None: "an int"}.get(
            least, f"an int >= {least}"
        )
        raise fail(name, wanted, shown(value))
    return value


def check_seed(name: str, value: object, *, optional: bool = False) -> int | None:
    """A seed: a non-negative int, or ``None`` too when ``optional``.

    ``None`` means "leave the generator".
    """
    if optional and value is None:
        return None
    if not is_int(value) or value < 0:
        raise fail(name, "a non-negative int" + (" or None" if optional else ""), shown(value))
    return value


def check_ints(
    name: str,
    value: object,
    least: int = 1,
    *,
    allow_empty: bool = False,
    length: int | None = None,
    spelled: str = "",
    or_int: bool = False,
) -> tuple[int, ...]:
    """A sequence of ints, each at least ``least``, as a tuple; one int only with ``or_int``.

    Hidden widths and dilations come in any number; with ``length``, exactly that many, and
    ``spelled`` names them for the message, as ``"(left, right, top, bottom)"``. With
    ``or_int``, one int means a sequence of that one int: ``hidden=64`` is ``(64,)``.
    """
    values = (value,) if or_int and is_int(value) else value
    if (
        not isinstance(values, Sequence)
        or isinstance(values, str)
        or (not values and not allow_empty)
        or (length is not None and len(values) != length)
        or not all(is_int(v) and v >= least for v in values)
    ):
        each = {1: "positive", 0: "non-negative"}.get(least, f">= {least}")
        if length is not None:
            raise fail(name, f"{length} {each} ints {spelled}".rstrip(), shown(value))
        size = "a (possibly empty)" if allow_empty else "a non-empty"
        one = f"a {each} int or " if or_int else ""
        raise fail(name, f"{one}{size} sequence of {each} ints", shown(value))
    return tuple(values)


def check_instance(
    name: str, value: object, kinds: type | tuple[type, ...], expected: str
) -> object:
    """An instance of ``kinds`` (a model, a vocabulary, a string), described as ``expected``."""
    if not isinstance(value, kinds):
        raise fail(name, expected, shown(value))
    return value


def check_bool(name: str, value: object) -> bool:
    """A real ``bool``: the string ``"False"`` would otherwise be true."""
    if not isinstance(value, bool):
        raise fail(name, "a bool (True or False)", shown(value))
    return value


def check_number(
    name: str,
    value: object,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    open_low: bool = False,
) -> float:
    """A finite real number in ``[low, high]`` (``(low, high]`` with ``open_low``)."""
    if (
        not is_number(value)
        or not math.isfinite(value)
        or value > high
        or value < low
        or (open_low and value == low)
    ):
        bracket = "(" if open_low else "["
        wanted = (
            "a finite number"
            if (low, high) == (-math.inf, math.inf)
            else f"a number in {bracket}{low}, {high}]"
        )
        raise fail(name, wanted, shown(value))
    return float(value)


def check_choice(name: str, value: object, choices: Collection[object]) -> object:
    """One of ``choices`` (compared with ``==``, and only for values of a hashable kind)."""
    if isinstance(value, (list, dict, set, torch.Tensor)) or value not in choices:
        raise fail(name, f"one of {', '.join(repr(c) for c in choices)}", shown(value))
    return value


def ints(
    name: str, value: object, n: int, least: int = 1, *, one_for_all: bool = True
) -> tuple[int, ...]:
    """An int or a sequence of ``n`` ints, each at least ``least``, as a tuple of ``n``.

    An int means the same on every axis. Like torch's functional forms, a one-element
    sequence counts as that int too, unless ``one_for_all`` is off: torch's ``nn.Conv2d``
    keeps ``kernel_size=[3]`` as a one-axis kernel and then fails, so the modules refuse it.
    """
    if (
        one_for_all
        and isinstance(value, Sequence)
        and not isinstance(value, str)
        and len(value) == 1
    ):
        value = value[0]
    values = (value,) * n if is_int(value) else value
    if (
        not isinstance(values, Sequence)
        or isinstance(values, str)
        or len(values) != n
        or not all(is_int(v) and v >= least for v in values)
    ):
        each = {1: "positive", 0: "non-negative"}.get(least, f">= {least}")
        several = "a pair of" if n == 2 else f"{n}"
        wanted = f"a {each} int" if n == 1 else f"a {each} int or {several} {each} ints"
        raise fail(name, wanted, shown(value))
    return tuple(values)


def pair(name: str, value: object, least: int = 1) -> tuple[int, int]:
    """An int or a pair of ints, as a pair: ``kernel_size=3`` means ``(3, 3)``."""
    return ints(name, value, 2, least)  # type: ignore[return-value]


def single(name: str, value: object, least: int = 1) -> int:
    """An int, or a one-element sequence holding one, as torch's 1-D layers accept."""
    return ints(name, value, 1, least)[0]


def check_tensor(name: str, value: object) -> torch.Tensor:
    """A ``torch.Tensor``; anything else (a list, an array) is refused by name."""
    if not isinstance(value, torch.Tensor):
        raise fail(name, "a torch.Tensor", type(value).__name__)
    return value


def check_rank(name: str, value: object, ranks: Sequence[int], layout: str) -> int:
    """A tensor whose number of dimensions is one of ``ranks``; returns the rank.

    ``layout`` spells the expected shape, such as ``"(N, C, H, W) or (C, H, W)"``.
    """
    tensor = check_tensor(name, value)
    if tensor.dim() not in ranks:
        wanted = " or ".join(f"{r}-D" for r in ranks)
        raise fail(
            name,
            f"{wanted} with shape {layout}",
            f"{tensor.dim()}-D with shape {tuple(tensor.shape)}",
        )
    return tensor.dim()


def check_size(name: str, got: int, expected: int, what: str) -> None:
    """One dimension of the right size: ``NAME must have WHAT = EXPECTED, got GOT``."""
    if got != expected:
        raise ValueError(f"{name} must have {what} = {expected}, got {got}")


def check_nonempty(
    name: str, tensor: torch.Tensor, what: str = "at least one example"
) -> torch.Tensor:
    """A tensor with no zero-sized dimension (an empty batch has no mean, no accuracy)."""
    if tensor.numel() == 0:
        raise fail(name, f"non-empty ({what})", f"shape {tuple(tensor.shape)}")
    return tensor


def check_floating(name: str, tensor: torch.Tensor) -> torch.Tensor:
    """A tensor of floating-point numbers (what gradients and weights need)."""
    if not tensor.dtype.is_floating_point:
        raise fail(name, "a floating-point tensor", f"dtype {tensor.dtype}")
    return tensor


def under_transform(tensor: torch.Tensor) -> bool:
    """Whether a ``torch.func`` transform (``vmap``, ``grad``, ``jvp``...) wraps ``tensor``.

    Code with two paths (a fast one for plain tensors, one that transforms understand)
    asks this; the checks ask ``values_hidden``.

    Examples:
        >>> x = torch.zeros(3)
        >>> under_transform(x), bool(torch.func.grad(lambda t: t.sum() * under_transform(t))(x)[0])
        (False, True)
    """
    return torch._C._functorch.is_functorch_wrapped_tensor(tensor)


def values_hidden(tensor: torch.Tensor) -> bool:
    """Whether ``torch.func.vmap`` batches ``tensor``, so that its values cannot be read.

    Inside a function that ``vmap`` maps over a batch, a tensor stands for one example
    of the batch: its shape and dtype are known, but asking for a value (``bool``,
    ``.item()``, ``int``) raises a ``RuntimeError``. Checks that read values run only when
    this is false; checks of shapes and dtypes always run. Under ``torch.func.grad`` alone
    the values can be read and are checked. torch exposes no public test for this, so it
    walks the wrappers of ``torch._C._functorch`` (one per nested transform).

    Examples:
        >>> x = torch.zeros(3, 2)
        >>> values_hidden(x)
        False
        >>> torch.func.vmap(lambda row: torch.tensor(values_hidden(row)))(x)
        tensor([True, True, True])
    """
    functorch = torch._C._functorch
    while functorch.is_functorch_wrapped_tensor(tensor):
        if functorch.is_batchedtensor(tensor):
            return True
        tensor = functorch.get_unwrapped(tensor)
    return False


def check_finite(name: str, tensor: torch.Tensor) -> torch.Tensor:
    """A floating tensor with no NaN or infinity (a model fed NaN answers NaN, silently).

    Under ``torch.func.vmap`` the values cannot be read and are not checked (see
    ``values_hidden``).
    """
    if values_hidden(tensor):
        return tensor
    if tensor.dtype.is_floating_point and not bool(torch.isfinite(tensor).all()):
        raise fail(
            name,
            "finite (no NaN or infinity)",
            f"{int((~torch.isfinite(tensor)).sum())} non-finite values",
        )
    return tensor


def check_values(name: str, value: object, ranks: Sequence[int], layout: str) -> torch.Tensor:
    """What a model reads: a floating tensor of one of ``ranks``, with no NaN or infinity."""
    check_rank(name, value, ranks, layout)
    return check_finite(name, check_floating(name, value))


def check_same_length(name: str, tensor: torch.Tensor, other: str, length: int) -> torch.Tensor:
    """As many examples as its partner: ``NAME must hold N examples like OTHER, got M``."""
    if len(tensor) != length:
        raise ValueError(f"{name} must hold {length} examples like {other}, got {len(tensor)}")
    return tensor


def check_indices(name: str, tensor: torch.Tensor, high: int, low: int = 0) -> torch.Tensor:
    """An integer tensor whose values all lie in ``[low, high)``: word ids, class labels.

    Under ``torch.func.vmap`` only the dtype is checked (see ``values_hidden``).
    """
    if tensor.dtype.is_floating_point or tensor.dtype.is_complex or tensor.dtype == torch.bool:
        raise fail(name, "an integer tensor", f"dtype {tensor.dtype}")
    if (
        tensor.numel()
        and not values_hidden(tensor)
        and (int(tensor.min()) < low or int(tensor.max()) >= high)
    ):
        raise fail(
            name, f"in [{low}, {high})", f"values from {int(tensor.min())} to {int(tensor.max())}"
        )
    return tensor


def check_like(
    name: str, tensor: torch.Tensor, reference_name: str, reference: torch.Tensor
) -> torch.Tensor:
    """A tensor with the dtype and device of another one, ``weight`` like ``input``.

    The message reads ``NAME must have the REFERENCE's dtype and device (D, V), got (D', V')``.
    """
    if tensor.dtype != reference.dtype or tensor.device != reference.device:
        raise ValueError(
            f"{name} must have the {reference_name}'s dtype and device "
            f"({reference.dtype}, {reference.device}), got ({tensor.dtype}, {tensor.device})"
        )
    return tensor


def check_float_dtype(name: str, dtype: object) -> torch.dtype | None:
    """``None`` (torch's default) or a floating-point ``torch.dtype``: what parameters need."""
    if dtype is not None and not (isinstance(dtype, torch.dtype) and dtype.is_floating_point):
        raise fail(name, "None or a floating-point torch.dtype", shown(dtype))
    return dtype
