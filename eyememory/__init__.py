"""eyememory: the Eye (convolution) and the Memory (recurrence), from scratch and tested equal
to PyTorch.

The package is layered, each layer importing only those below it:

- [`eyememory.nn`][eyememory.nn]: the layers, drop-ins for `torch.nn` (and ``nn.functional``);
- [`eyememory.data`][eyememory.data]: the digits, words, sentences and series the chapters use;
- [`eyememory.models`][eyememory.models]: the models, built from the layers;
- [`eyememory.training`][eyememory.training] and [`eyememory.export`][eyememory.export]:
  fitting and scoring any model, and exporting the explorers' weights.

Every public name is also here, at the top: ``from eyememory import Conv2d, Memory, fit``.
"""

from .data.digits import RandomShift, load_digits, shift
from .data.series import noisy_sine, windows
from .data.text import Vocabulary, encode_labels, tokenize
from .models.article import ArticleCNN, ArticleRNN
from .models.bag_of_words import BagOfNgrams
from .models.charlm import CharLM, char_vocabulary, sample, sequence_cross_entropy, text_windows
from .models.eye import Eye
from .models.eye1d import SeriesEye, WordEye
from .models.feedforward import MLP, LogisticRegression
from .models.linear_ar import LinearAR, last_value
from .models.memory import Memory, MemoryTrace, NextStep, gradient_norms
from .models.rows import RowMemory, pixel_order, shuffle_pixels
from .models.video import EyeMemory, moving_digits
from .nn import (
    GRU,
    LSTM,
    RNN,
    AvgPool2d,
    Conv1d,
    Conv2d,
    GlobalAvgPool2d,
    GlobalMaxPool2d,
    MaxPool2d,
)
from .nn.functional import (
    avg_pool2d,
    conv1d,
    conv2d,
    conv2d_sliding,
    conv_output_size,
    global_avg_pool2d,
    global_max_pool2d,
    gru_cell,
    lstm_cell,
    max_pool2d,
    pad2d,
    pool_output_size,
    rnn_cell,
)
from .training import History, accuracy, fit, mse, pick_device, predict, seed_everything

__all__ = [
    "GRU",
    "LSTM",
    "MLP",
    "RNN",
    "ArticleCNN",
    "ArticleRNN",
    "AvgPool2d",
    "BagOfNgrams",
    "CharLM",
    "Conv1d",
    "Conv2d",
    "Eye",
    "EyeMemory",
    "GlobalAvgPool2d",
    "GlobalMaxPool2d",
    "History",
    "LinearAR",
    "LogisticRegression",
    "MaxPool2d",
    "Memory",
    "MemoryTrace",
    "NextStep",
    "RandomShift",
    "RowMemory",
    "SeriesEye",
    "Vocabulary",
    "WordEye",
    "accuracy",
    "avg_pool2d",
    "char_vocabulary",
    "conv1d",
    "conv2d",
    "conv2d_sliding",
    "conv_output_size",
    "encode_labels",
    "fit",
    "global_avg_pool2d",
    "global_max_pool2d",
    "gradient_norms",
    "gru_cell",
    "last_value",
    "load_digits",
    "lstm_cell",
    "max_pool2d",
    "moving_digits",
    "mse",
    "noisy_sine",
    "pad2d",
    "pick_device",
    "pixel_order",
    "pool_output_size",
    "predict",
    "rnn_cell",
    "sample",
    "seed_everything",
    "sequence_cross_entropy",
    "shift",
    "shuffle_pixels",
    "text_windows",
    "tokenize",
    "windows",
]

__version__ = "0.1.0"
