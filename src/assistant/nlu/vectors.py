"""Sentence vectors from pretrained static token vectors: what a message means beyond its words.

Word overlap (features.py) cannot tell that "get my money back" asks for a refund; token vectors
learnt on large corpora can. WordLlama ships, inside its wheel, 256-dimension vectors for the 32,000
tokens of the Llama 2 tokenizer (16 MB, French and English alike). We read those two files
directly — its own loader looks for a tokenizer on the network, and nothing may be downloaded at run
time — and pool them: no model runs, only a lookup and two reductions (mean and max), each
L2-normalised, so a message is a 512-dimension vector in a few microseconds (kernels.pool).
"""

import json
from functools import cache, lru_cache
from importlib.util import find_spec
from pathlib import Path

import numpy as np

from ..kernels import pool
from .features import remembered

WEIGHTS = ("weights", "l2_supercat_256.safetensors")
TOKENIZER = ("tokenizers", "l2_supercat_tokenizer_config.json")
SIZE = 512
_WORDS: dict[str, list[int]] = {}  # word -> its token ids


@cache
def tables():
    """The tokenizer and the token vectors (float16, as shipped), opened once per process."""
    from tokenizers import Tokenizer

    # Where the package lies, without importing it (its __init__ alone takes a quarter of a second).
    root = Path(find_spec("wordllama").submodule_search_locations[0])
    return Tokenizer.from_file(str(root.joinpath(*TOKENIZER))), mapped(root.joinpath(*WEIGHTS), "embedding.weight")


def mapped(path: Path, name: str) -> np.ndarray:
    """A tensor of a safetensors file, mapped rather than read: a process holds only the pages of
    the tokens it meets, and the server's workers share them. (The safetensors package copies what
    it loads; its format is a little-endian header length, a JSON header, then the raw tensors.)"""
    with path.open("rb") as f:
        length = int.from_bytes(f.read(8), "little")
        entry = json.loads(f.read(length))[name]
    if entry["dtype"] != "F16":
        raise ValueError(f"{path.name}: {name} is {entry['dtype']}, float16 expected")
    begin, _ = entry["data_offsets"]
    table = np.memmap(path, dtype=np.float16, mode="r", offset=8 + length + begin, shape=tuple(entry["shape"]))
    return np.asarray(table)  # a plain array over the same pages: memmap's own indexing is slower


def pooled(ids: list[int], vectors: np.ndarray) -> np.ndarray:
    """The rows' sum (normalised, it is their normalised mean) and element-wise max, each
    L2-normalised, side by side (kernels.pool)."""
    out = np.empty(SIZE, dtype=np.float32)
    pool(ids, vectors, out)
    return out


def token_ids(text: str) -> list[int]:
    """The Llama-2 token ids of a text, word by word: the tokenizer marks each word's start and
    never merges across words, so each word is encoded once per process (19,060 texts of the
    evaluation sets and CLINC150 give the very ids of a whole-text encoding)."""
    ids: list[int] = []
    for word in text.lower().split():
        ids += _WORDS.get(word) or remembered(_WORDS, word, encode)  # a known word: no call
    return ids


def encode(word: str) -> list[int]:
    return tables()[0].encode(word, add_special_tokens=False).ids


# A staff lookup ranks the same text in every tenant: a few recent vectors are kept (read-only).
@lru_cache(maxsize=8)
def vector(text: str) -> np.ndarray:
    result = pooled(token_ids(text), tables()[1])
    result.setflags(write=False)  # shared by the callers the cache serves
    return result


def matrix(texts: list[str]) -> np.ndarray:
    vectors = tables()[1]
    return np.vstack([pooled(token_ids(t), vectors) for t in texts]) if texts else np.zeros((0, SIZE), np.float32)
