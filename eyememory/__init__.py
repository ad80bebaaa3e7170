"""eyememory: the Eye (convolution) and the Memory (recurrence), from scratch and proven equal to PyTorch."""

from .article import ArticleCNN, ArticleRNN
from .bag_of_words import BagOfNgrams
from .charlm import CharLM, sample
from .conv import Conv2d, conv2d, conv2d_sliding, conv_output_size, pad2d
from .conv1d import Conv1d, conv1d
from .digits import RandomShift, load_digits, shift
from .eye import Eye
from .eye1d import SeriesEye, WordEye
from .feedforward import MLP, LogisticRegression
from .memory import Memory, MemoryTrace, NextStep, gradient_norms
from .pool import GlobalAvgPool2d, GlobalMaxPool2d, MaxPool2d, global_avg_pool2d, global_max_pool2d, max_pool2d
from .recurrence import gru_cell, lstm_cell, rnn_cell
from .rnn import GRU, LSTM, RNN
from .rows import RowMemory, pixel_order, shuffle_pixels
from .series import LinearAR
from .text import Vocabulary, tokenize
from .training import History, accuracy, fit, pick_device, predict, seed_everything
from .video import EyeMemory, moving_digits

__all__ = [
    "ArticleCNN",
    "ArticleRNN",
    "BagOfNgrams",
    "CharLM",
    "Conv1d",
    "Conv2d",
    "Eye",
    "EyeMemory",
    "GRU",
    "GlobalAvgPool2d",
    "GlobalMaxPool2d",
    "History",
    "LSTM",
    "LinearAR",
    "LogisticRegression",
    "MLP",
    "MaxPool2d",
    "Memory",
    "MemoryTrace",
    "NextStep",
    "RNN",
    "RandomShift",
    "RowMemory",
    "SeriesEye",
    "Vocabulary",
    "WordEye",
    "accuracy",
    "conv1d",
    "conv2d",
    "conv2d_sliding",
    "conv_output_size",
    "fit",
    "global_avg_pool2d",
    "global_max_pool2d",
    "gradient_norms",
    "gru_cell",
    "load_digits",
    "lstm_cell",
    "max_pool2d",
    "moving_digits",
    "pad2d",
    "pick_device",
    "pixel_order",
    "predict",
    "rnn_cell",
    "sample",
    "seed_everything",
    "shift",
    "shuffle_pixels",
    "tokenize",
]

__version__ = "0.1.0"
