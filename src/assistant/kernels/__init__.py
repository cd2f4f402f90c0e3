"""The matching stage's loops, from the native module when it is built, else from numpy (pure.py):
one API, whichever runs. The callers (features.py, surface.py, vectors.py, matching.py, text.py)
import these names and nothing else of either.

The choice is made once, when this module is imported: ``ASSISTANT_PURE_PYTHON=1`` in the
environment forces numpy; otherwise the native module is used if it was built (pip compiles it when
the machine has a compiler, and installs the package without it when not). ``NATIVE`` tells which
runs. Both compute the same (tests/test_kernels.py): integers exactly, floats within 1e-5, the same
rankings. A native module that is present but fails to load raises: a broken build is not hidden.
"""

import importlib.util
import os

import numpy as np

from . import pure

_FORCED_PURE = os.environ.get("ASSISTANT_PURE_PYTHON", "") not in ("", "0")
_BUILT = importlib.util.find_spec(f"{__package__}._native") is not None

if _BUILT and not _FORCED_PURE:
    from . import _native as _implementation
else:
    _implementation = pure

NATIVE: bool = _implementation is not pure
BUILT: bool = _BUILT  # whether the native module exists, used or not
IMPLEMENTATION: str = "native" if NATIVE else "pure numpy"

# What the features are, which the vocabularies are fit on: Python's in both cases.
token_counts = pure.token_counts
text_keys = pure.text_keys

# A reply calls these directly (no frame of ours around them); their docstrings are pure.py's.
split = _implementation.split
pool = _implementation.pool
table = _implementation.table
surface_features = _implementation.surface_features
tfidf = _implementation.tfidf
model = _implementation.model
rank = _implementation.rank


def token_features(vocabulary, tokens: list[str], unseen_idf: float) -> tuple[np.ndarray, np.ndarray, float]:
    """pure.token_features: the native module gives the columns and counts as bytes (it makes no
    numpy arrays, so that it builds without numpy's headers), read here as arrays."""
    if not NATIVE:
        return pure.token_features(vocabulary, tokens, unseen_idf)
    cols, counts, unseen = _implementation.token_features(vocabulary, tokens, unseen_idf)
    return np.frombuffer(cols, np.int32), np.frombuffer(counts, np.float32), unseen
