"""eyememory: the Eye (convolution) and the Memory (recurrence), from scratch and proven equal to PyTorch."""

from .article import ArticleCNN, ArticleRNN
from .bag_of_words import BagOfNgrams
from .charlm import CharLM, sample
from .memory import Memory, MemoryTrace, NextStep, gradient_norms
from .recurrence import gru_cell, lstm_cell, rnn_cell
from .rnn import GRU, LSTM, RNN
from .series import LinearAR
from .text import Vocabulary, tokenize
from .training import History, accuracy, fit, pick_device, predict, seed_everything

__all__ = [
    "ArticleCNN",
    "ArticleRNN",
    "BagOfNgrams",
    "CharLM",
    "GRU",
    "LSTM",
    "LinearAR",
    "Memory",
    "MemoryTrace",
    "NextStep",
    "RNN",
    "History",
    "Vocabulary",
    "accuracy",
    "fit",
    "gradient_norms",
    "gru_cell",
    "lstm_cell",
    "pick_device",
    "predict",
    "rnn_cell",
    "sample",
    "seed_everything",
    "tokenize",
]

__version__ = "0.1.0"
