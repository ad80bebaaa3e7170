"""eyememory: the Eye (convolution) and the Memory (recurrence), from scratch and proven equal to PyTorch."""

from .article import ArticleCNN, ArticleRNN
from .recurrence import gru_cell, lstm_cell, rnn_cell
from .rnn import GRU, LSTM, RNN
from .training import History, accuracy, fit, pick_device, predict, seed_everything

__all__ = [
    "ArticleCNN",
    "ArticleRNN",
    "GRU",
    "LSTM",
    "RNN",
    "History",
    "accuracy",
    "fit",
    "gru_cell",
    "lstm_cell",
    "pick_device",
    "predict",
    "rnn_cell",
    "seed_everything",
]

__version__ = "0.1.0"
