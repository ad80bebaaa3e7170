"""The layers, from scratch: drop-ins for `torch.nn`, equal to it in outputs and gradients.

Write ``import eyememory.nn as nn`` where you wrote ``import torch.nn as nn`` and the
layers below are ours; `eyememory.nn.functional` holds the functional forms, as
`torch.nn.functional` does. This package imports torch and the package's argument checks,
nothing else of eyememory: the models are built on it, never the other way round.
Every layer and function also works under `torch.func` (``vmap``, ``grad``, ``jvp``,
``functional_call``, ``stack_module_state``), as torch's do.

| Module | What it computes |
| --- | --- |
| `conv` | Convolution in 2-D (the Eye) and 1-D (along a sequence), padding. |
| `pool` | Max and average pooling, and global pooling. |
| `recurrence` | One step of the RNN, LSTM and GRU cells. |
| `rnn` | The recurrent layers, looping the cells over time. |
"""

from . import functional
from .conv import Conv1d, Conv2d
from .pool import AvgPool2d, GlobalAvgPool2d, GlobalMaxPool2d, MaxPool2d
from .rnn import GRU, LSTM, RNN

__all__ = [
    "GRU",
    "LSTM",
    "RNN",
    "AvgPool2d",
    "Conv1d",
    "Conv2d",
    "GlobalAvgPool2d",
    "GlobalMaxPool2d",
    "MaxPool2d",
    "functional",
]
