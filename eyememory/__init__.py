"""eyememory: the Eye (convolution) and the Memory (recurrence), from scratch and proven equal to PyTorch."""

from .article import ArticleCNN, ArticleRNN
from .conv import Conv2d, conv2d, conv2d_sliding, conv_output_size, pad2d
from .digits import RandomShift, load_digits, shift
from .eye import Eye
from .feedforward import MLP, LogisticRegression
from .pool import GlobalAvgPool2d, GlobalMaxPool2d, MaxPool2d, global_avg_pool2d, global_max_pool2d, max_pool2d
from .training import History, accuracy, fit, pick_device, predict, seed_everything

__all__ = [
    "ArticleCNN",
    "ArticleRNN",
    "Conv2d",
    "Eye",
    "GlobalAvgPool2d",
    "GlobalMaxPool2d",
    "History",
    "LogisticRegression",
    "MLP",
    "MaxPool2d",
    "RandomShift",
    "accuracy",
    "conv2d",
    "conv2d_sliding",
    "conv_output_size",
    "fit",
    "global_avg_pool2d",
    "global_max_pool2d",
    "load_digits",
    "max_pool2d",
    "pad2d",
    "pick_device",
    "predict",
    "seed_everything",
    "shift",
]

__version__ = "0.1.0"
