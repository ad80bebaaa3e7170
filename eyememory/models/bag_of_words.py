"""Order-blind baselines: logistic regression on counts of words, or of short word runs.

A bag of words reduces a sentence to how often each word occurs, forgetting where. A bag
of n-grams also counts runs of up to ``n`` neighbouring words ("bad but", "was very good"),
so it keeps a little order, over ``n`` words at most. On top of the counts sits the simplest
classifier there is, a logistic regression:

$$
P(\\text{positive} \\mid \\text{sentence}) =
\\sigma\\Big(b + \\sum_{g} w_g \\cdot \\operatorname{count}_g(\\text{sentence})\\Big)
$$

where $g$ runs over the words (or n-grams) seen in training. The counting is scikit-learn's
``CountVectorizer`` with this package's ``tokenize``, the classifier
scikit-learn's ``LogisticRegression``: well tested, fast, and deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from .._optional import require
from .._validation import check_int, check_number, check_rank, fail, is_int, shown
from ..data.text import tokenize


def _sentences(sentences: object) -> list[str]:
    """A non-empty list of strings (one ``str`` would be read as a list of characters)."""
    if (
        isinstance(sentences, (str, bytes))
        or not isinstance(sentences, Sequence)
        or not sentences
        or not all(isinstance(s, str) for s in sentences)
    ):
        raise fail("sentences", "a non-empty list of strings", shown(sentences))
    return list(sentences)


class BagOfNgrams:
    """Logistic regression on counts of 1- to ``n``-grams; ``n=1`` is the plain bag of words.

    Args:
        n: The longest run of neighbouring words counted.
        C: Inverse regularisation strength of the logistic regression.

    Examples:
        >>> train = [
        ...     "the food was bad but the service was good",
        ...     "the food was good but the service was bad",
        ... ]
        >>> bow = BagOfNgrams(n=1).fit(train, [1, 0])
        >>> bow.predict(train).tolist()  # same words, so the same answer for both
        [0, 0]
        >>> BagOfNgrams(n=2).fit(train, [1, 0]).predict(train).tolist()  # "bad but" gives it away
        [1, 0]
    """

    def __init__(self, n: int = 1, C: float = 10.0) -> None:
        self.n = check_int("n", n)
        check_number("C", C, 0.0, open_low=True)
        text = require("sklearn.feature_extraction.text", "BagOfNgrams")
        linear_model = require("sklearn.linear_model", "BagOfNgrams")
        self.vectorizer = text.CountVectorizer(
            tokenizer=tokenize, lowercase=False, token_pattern=None, ngram_range=(1, n)
        )
        self.classifier = linear_model.LogisticRegression(C=C, max_iter=2000)

    def __repr__(self) -> str:
        return f"BagOfNgrams(n={self.n})"

    @staticmethod
    def _labels(labels: Sequence[int] | torch.Tensor, n: int) -> np.ndarray:
        """``n`` integer labels as an array, from a tensor or a list."""
        if not isinstance(labels, torch.Tensor):
            if isinstance(labels, (str, bytes)) or not isinstance(labels, Sequence):
                raise fail("labels", "a list or tensor of int labels", shown(labels))
            if not all(is_int(y) for y in labels):
                raise fail("labels", "int labels", shown(labels))
            labels = torch.tensor(labels, dtype=torch.long)
        check_rank("labels", labels, (1,), "(N,)")
        if labels.dtype.is_floating_point or labels.dtype.is_complex or labels.dtype == torch.bool:
            raise fail("labels", "an integer tensor", f"dtype {labels.dtype}")
        if len(labels) != n:
            raise fail("labels", f"one per sentence ({n})", len(labels))
        return labels.cpu().numpy()

    def fit(self, sentences: Sequence[str], labels: Sequence[int] | torch.Tensor) -> BagOfNgrams:
        """Count the n-grams of ``sentences`` and fit the logistic regression; returns ``self``."""
        sentences = _sentences(sentences)
        labels = self._labels(labels, len(sentences))
        if len(np.unique(labels)) < 2:
            raise fail("labels", "at least two different classes", shown(labels.tolist()))
        self.classifier.fit(self.vectorizer.fit_transform(sentences), labels)
        return self

    def _check_fitted(self, method: str) -> None:
        if not hasattr(self.classifier, "coef_"):
            raise ValueError(f"BagOfNgrams must be fitted before {method}; call fit first")

    def predict(self, sentences: Sequence[str]) -> torch.Tensor:
        """Predicted labels, shape ``(N,)``."""
        self._check_fitted("predict")
        return torch.as_tensor(
            self.classifier.predict(self.vectorizer.transform(_sentences(sentences)))
        )

    def accuracy(self, sentences: Sequence[str], labels: Sequence[int] | torch.Tensor) -> float:
        """Fraction of ``sentences`` labelled correctly."""
        predicted = self.predict(sentences).numpy()
        return float((predicted == self._labels(labels, len(predicted))).mean())

    def strongest(self, k: int = 5, label: int | None = None) -> list[tuple[str, float]]:
        """The ``k`` n-grams that count most for ``label``, then the ``k`` that count most against.

        With two classes, ``label`` defaults to the second (1, "positive"); with more, each
        class has weights of its own, so ``label`` must name one.

        Args:
            k: How many n-grams each way.
            label: The class whose weights are read: one of the labels given to ``fit``.

        Returns:
            ``2k`` pairs ``(n-gram, weight)``: the ``k`` most positive, then the ``k`` most
            negative.

        Examples:
            >>> train = ["good food", "bad food", "cold food"]
            >>> bag = BagOfNgrams().fit(train, [0, 1, 2])
            >>> word, weight = bag.strongest(1, label=2)[0]
            >>> word  # the word that says class 2
            'cold'
        """
        self._check_fitted("strongest")
        check_int("k", k)
        classes = self.classifier.classes_.tolist()
        if label is None and len(classes) == 2:
            label = classes[1]
        if not is_int(label) or label not in classes:
            raise fail("label", f"one of the classes {classes}", shown(label))
        if len(classes) == 2:  # one row of weights, towards the second class
            weights = self.classifier.coef_[0] * (1 if label == classes[1] else -1)
        else:
            weights = self.classifier.coef_[classes.index(label)]
        names = self.vectorizer.get_feature_names_out()
        order = np.argsort(weights)
        picked = list(order[::-1][:k]) + list(order[:k])
        return [(str(names[i]), float(weights[i])) for i in picked]
