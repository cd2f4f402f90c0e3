"""Sentence vectors: token ids read word by word are those of the whole text."""

import os
import subprocess
import sys

import numpy as np
import pytest

from assistant.nlu import vectors


@pytest.mark.parametrize(
    "text",
    [
        "Combien coûte la licence perpétuelle pour 12 utilisateurs ?",
        "what's the refund policy, if I cancel after 30 days?",
        "l'hébergement inclut-il les sauvegardes quotidiennes",
        "SSO ?",
    ],
)
def test_word_by_word_ids_are_the_whole_text_ids(text):
    tokenizer, _ = vectors.tables()
    whole = tokenizer.encode(text.lower(), add_special_tokens=False).ids
    assert vectors.token_ids(text) == whole
    assert vectors.token_ids(text) == whole  # and again, from the words already seen


def test_a_vector_is_the_normalised_mean_and_max_of_its_token_vectors():
    _, table = vectors.tables()
    rows = table[vectors.token_ids("backup retention")].astype(np.float32)
    vector = vectors.vector("backup retention")
    assert vector.shape == (vectors.SIZE,) and not vector.flags.writeable
    assert np.allclose(vector[:256], rows.mean(0) / np.linalg.norm(rows.mean(0)), atol=1e-6)
    assert np.allclose(vector[256:], rows.max(0) / np.linalg.norm(rows.max(0)), atol=1e-6)


def test_spacing_does_not_change_a_vector():
    assert np.array_equal(vectors.vector("backup  retention\t"), vectors.vector("backup retention"))
    assert not vectors.vector("").any()


def test_a_mapped_tensor_is_the_one_safetensors_reads(tmp_path):
    from safetensors.numpy import load_file, save_file

    table = np.arange(24, dtype=np.float16).reshape(6, 4)
    save_file({"embedding.weight": table, "other": np.ones(3, dtype=np.float32)}, str(tmp_path / "t.safetensors"))
    mapped = vectors.mapped(tmp_path / "t.safetensors", "embedding.weight")
    assert np.array_equal(mapped, load_file(str(tmp_path / "t.safetensors"))["embedding.weight"])
    assert not mapped.flags.writeable
    with pytest.raises(ValueError):
        vectors.mapped(tmp_path / "t.safetensors", "other")


def test_every_finite_half_float_is_converted_exactly():
    # 256 consecutive bit patterns share an exponent: each row, normalised, keeps all its digits.
    halves = np.arange(0x7C00, dtype=np.uint16).view(np.float16).reshape(-1, 256)
    halves = np.concatenate([halves, -halves])
    for row in range(len(halves)):
        expected = halves[row].astype(np.float64)
        if not expected.any():
            continue
        expected /= np.linalg.norm(expected)
        pooled = vectors.pooled([row], halves)
        assert np.allclose(pooled[:256], expected, rtol=1e-6, atol=0) and np.array_equal(pooled[:256], pooled[256:])


def test_pooling_checks_its_arguments():
    table = np.ones((4, 256), np.float16)
    with pytest.raises(IndexError):
        vectors.pooled([4], table)
    with pytest.raises(IndexError):
        vectors.pooled([-1], table)
    with pytest.raises(TypeError):
        vectors.pooled([0], table.astype(np.float32))
    with pytest.raises(TypeError):
        vectors.pooled(["0"], table)
    with pytest.raises(TypeError):
        vectors.pooled((0,), table)


def test_a_long_message_pools_like_a_short_one():
    _, table = vectors.tables()
    ids = list(range(100, 400)) + [100]  # more ids than the loop keeps on its stack, one repeated
    rows = table[ids].astype(np.float32)
    pooled = vectors.pooled(ids, table)
    assert np.allclose(pooled[:256], rows.sum(0) / np.linalg.norm(rows.sum(0)), atol=1e-6)
    assert np.allclose(pooled[256:], rows.max(0) / np.linalg.norm(rows.max(0)), atol=1e-6)


POOL_SOME_MESSAGES = """
import sys
import numpy as np
from assistant.nlu import vectors
_, table = vectors.tables()
rng = np.random.default_rng(7)
ids = [rng.integers(0, len(table), n).tolist() for n in (1, 2, 5, 9, 17, 33) for _ in range(20)]
sys.stdout.write(b"".join(vectors.pooled(i, table).tobytes() for i in ids).hex())
"""


def test_the_processors_half_float_conversion_pools_the_same_floats_as_the_table():
    # The native module converts with F16C where the processor has it, else through its table.
    def pooled(**env):
        done = subprocess.run(
            [sys.executable, "-c", POOL_SOME_MESSAGES],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            check=True,
        )
        return done.stdout

    assert pooled() == pooled(ASSISTANT_NO_F16C="1")
