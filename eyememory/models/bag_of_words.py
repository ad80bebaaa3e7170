"""Order-blind baselines: logistic regression on counts of words, or of short word runs.

A bag of words reduces a sentence to how often each word occurs, forgetting where. A bag
of n-grams also counts runs of up to ``n`` neighbouring words ("bad but", "was very good"),
so it keeps a little order, over ``n`` words at most. On top of the counts sits the simplest
classifier there is, a logistic regression:

$$
P(\\text{positive} \\mid \\text{sentence}) = \\sigma\\Big(b + \\sum_{g} w_g \\cdot \\operatorname{count}_g(\\text{sentence})\\Big)
$$

where $g$ runs over the words (or n-grams) seen in training. The counting is scikit-learn's
``CountVectorizer`` with this package's [`tokenize`][eyememory.data.text.tokenize], the classifier
scikit-learn's ``LogisticRegression``: well tested, fast, and deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

from ..data.text import tokenize


class BagOfNgrams:
    """Logistic regression on counts of 1- to ``n``-grams; ``n=1`` is the plain bag of words.

    Args:
        n: The longest run of neighbouring words counted.
        C: Inverse regularisation strength of the logistic regression.

    Examples:
        >>> train = ["the food was bad but the service was good", "the food was good but the service was bad"]
        >>> bow = BagOfNgrams(n=1).fit(train, [1, 0])
        >>> bow.predict(train).tolist()  # same words, so the same answer for both
        [0, 0]
        >>> BagOfNgrams(n=2).fit(train, [1, 0]).predict(train).tolist()  # "bad but" gives it away
        [1, 0]
    """

    def __init__(self, n: int = 1, C: float = 10.0) -> None:
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"n must be an int >= 1, got {n!r}")
        self.n = n
        self.vectorizer = CountVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None, ngram_range=(1, n))
        self.classifier = LogisticRegression(C=C, max_iter=2000)

    def __repr__(self) -> str:
        return f"BagOfNgrams(n={self.n})"

    @staticmethod
    def _labels(labels: Sequence[int] | torch.Tensor) -> np.ndarray:
        return labels.cpu().numpy() if isinstance(labels, torch.Tensor) else np.asarray(labels)

    def fit(self, sentences: Sequence[str], labels: Sequence[int] | torch.Tensor) -> BagOfNgrams:
        """Count the n-grams of ``sentences`` and fit the logistic regression; returns ``self``."""
        if isinstance(sentences, str):
            raise ValueError("sentences must be a list of strings, got one str")
        labels = self._labels(labels)
        if len(sentences) != len(labels):
            raise ValueError(f"sentences and labels must have the same length, got {len(sentences)} and {len(labels)}")
        self.classifier.fit(self.vectorizer.fit_transform(sentences), labels)
        return self

    def predict(self, sentences: Sequence[str]) -> torch.Tensor:
        """Predicted labels, shape ``(N,)``."""
        return torch.as_tensor(self.classifier.predict(self.vectorizer.transform(sentences)))

    def accuracy(self, sentences: Sequence[str], labels: Sequence[int] | torch.Tensor) -> float:
        """Fraction of ``sentences`` labelled correctly."""
        return float((self.predict(sentences).numpy() == self._labels(labels)).mean())

    def strongest(self, k: int = 5) -> list[tuple[str, float]]:
        """The ``k`` n-grams with the largest weights, towards positive first, then negative.

        Returns:
            ``2k`` pairs ``(n-gram, weight)``: the ``k`` most positive, then the ``k`` most negative.
        """
        if not hasattr(self.classifier, "coef_"):
            raise ValueError("BagOfNgrams must be fitted before strongest; call fit first")
        names = self.vectorizer.get_feature_names_out()
        weights = self.classifier.coef_[0]
        order = np.argsort(weights)
        picked = list(order[::-1][:k]) + list(order[:k])
        return [(str(names[i]), float(weights[i])) for i in picked]
