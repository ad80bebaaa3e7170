"""The functional forms, as in `torch.nn.functional`: ``import eyememory.nn.functional as F``.

Each function lives with its concept (convolution in `conv`, pooling
in `pool`, the recurrent cells in
`recurrence`); this module gathers them under torch's names.
"""

from .conv import conv1d, conv2d, conv2d_sliding, conv_output_size, pad2d
from .pool import (
    avg_pool2d,
    global_avg_pool2d,
    global_max_pool2d,
    max_pool2d,
    pool_output_size,
)
from .recurrence import gru_cell, lstm_cell, rnn_cell

__all__ = [
    "avg_pool2d",
    "conv1d",
    "conv2d",
    "conv2d_sliding",
    "conv_output_size",
    "global_avg_pool2d",
    "global_max_pool2d",
    "gru_cell",
    "lstm_cell",
    "max_pool2d",
    "pad2d",
    "pool_output_size",
    "rnn_cell",
]
