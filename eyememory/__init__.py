"""eyememory: the Eye (convolution) and the Memory (recurrence), from scratch and proven equal to PyTorch."""

from .article import ArticleCNN, ArticleRNN
from .training import History, accuracy, fit, pick_device, predict, seed_everything

__all__ = [
    "ArticleCNN",
    "ArticleRNN",
    "History",
    "accuracy",
    "fit",
    "pick_device",
    "predict",
    "seed_everything",
]

__version__ = "0.1.0"
