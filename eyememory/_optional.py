"""Optional dependencies, imported only when a feature needs them.

The core (the layers, the models, ``fit``) needs torch and NumPy alone. The digits need
scikit-learn, the figures matplotlib and the progress bar tqdm; each comes with an extra
of the package, and a missing one is named in the error:

    pip install 'eyememory[data]'     # scikit-learn: the digits, the bag-of-words baseline
    pip install 'eyememory[plot]'     # matplotlib: the figures and History.plot()
    pip install 'eyememory[progress]' # tqdm: fit's progress bar
    pip install 'eyememory[all]'      # all three
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

EXTRAS = {"sklearn": "data", "matplotlib": "plot", "tqdm": "progress"}


class MissingExtraError(ImportError):
    """An optional dependency is not installed; the message names the extra that brings it."""


def require(module: str, feature: str) -> ModuleType:
    """Import ``module`` (e.g. ``"sklearn.datasets"``) or say which extra installs it.

    Args:
        module: The module to import; its top-level package must be one of ``EXTRAS``.
        feature: What needs it, for the message ("load_digits", "History.plot").

    Examples:
        >>> require("sklearn.datasets", "load_digits").__name__
        'sklearn.datasets'
    """
    top = module.partition(".")[0]
    try:
        return importlib.import_module(module)
    except ImportError as error:
        if error.name is None or error.name.partition(".")[0] != top:
            raise  # the package is there but broken: show its own error
        extra = EXTRAS.get(top, "all")
        raise MissingExtraError(
            f"{feature} needs {top}, which is not installed: "
            f"pip install 'eyememory[{extra}]' (or 'eyememory[all]')"
        ) from error


def available(module: str) -> bool:
    """Whether ``module`` can be imported, without importing it."""
    return importlib.util.find_spec(module.partition(".")[0]) is not None
