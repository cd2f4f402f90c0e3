/* The matching stage's loops in C: one optional module, assistant.kernels._native.
 *
 * What each function computes is written first in numpy, in pure.py, which runs when this module is
 * not built (or ASSISTANT_PURE_PYTHON=1): read it there, change it there first. tests/test_kernels.py
 * runs both on the same inputs. This file only makes the same arithmetic cheap: in numpy, a reply's
 * loops cost calls and temporary arrays around a few thousand multiplications (docs/native.md).
 *
 * Sections, in the order a message meets them:
 *   constants   kernels/constants.py, read when the module is imported (no copy here)
 *   arrays      numpy arrays read through the buffer protocol (no numpy headers), checked
 *   words       split(): a folded message's words
 *   pooling     pool(): a sentence vector from float16 token vectors
 *   vocabulary  table(), and the look-up of a message's known features in it
 *   tf-idf      their weights, summed by column, weighed and normalised per block
 *   classifier  the linear classifier's softmax, and the ranking that blends it with similarity
 *   nearest     each intent's nearest training example
 *   matching    model() and rank(): the four steps above in one call a message
 *   entry points, for the build (table, token_features, surface_features, tfidf) and for replies.
 *
 * Floating point: no fused multiply-add (-ffp-contract=off in pyproject.toml), sums in a fixed
 * order, so that a build with or without AVX2 gives the same floats, and pure.py the same to 1e-5.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define X86 1
#endif

/* -- constants: kernels/constants.py, read once ---------------------------------------------------- */

#define MAX_TAG 4      /* this file's limits, checked against constants.py when the module loads */
#define MAX_SYMBOLS 8

typedef struct {
    Py_UCS4 text[MAX_TAG];
    Py_ssize_t length;
} Tag;

static struct {
    Tag token, pair, gram, text_word, text_pair, text_gram;
    Py_ssize_t token_gram_min, token_gram_max, text_gram_min, text_gram_max, columns_per_character, n_symbols;
    float gram_count;
    Py_UCS4 bounds[2], placeholder, apostrophe, symbols[MAX_SYMBOLS];
} K;

/* The str constant `name`, of min_length to max_length characters, into out; -1 with an error set. */
static Py_ssize_t read_chars(PyObject *module, const char *name, Py_UCS4 *out, Py_ssize_t min_length,
                             Py_ssize_t max_length) {
    PyObject *value = PyObject_GetAttrString(module, name);
    Py_ssize_t n = value && PyUnicode_Check(value) ? PyUnicode_GET_LENGTH(value) : -1;
    if (value && (n < min_length || n > max_length))
        PyErr_Format(PyExc_ImportError, "constants.%s must be a str of %zd to %zd characters", name, min_length,
                     max_length);
    else if (value)
        PyUnicode_AsUCS4(value, out, max_length, 0);
    Py_XDECREF(value);
    return PyErr_Occurred() ? -1 : n;
}

static int read_tag(PyObject *module, const char *name, Tag *tag) {
    return (tag->length = read_chars(module, name, tag->text, 1, MAX_TAG)) >= 0;
}

/* A pair of ints (shortest, longest), each in 1..64 and in order. */
static int read_range(PyObject *module, const char *name, Py_ssize_t *low, Py_ssize_t *high) {
    PyObject *value = PyObject_GetAttrString(module, name);
    int ok = value && PyArg_ParseTuple(value, "nn", low, high) && *low >= 1 && *low <= *high && *high <= 64;
    if (value && !ok) PyErr_Format(PyExc_ImportError, "constants.%s must be (shortest, longest) in 1..64", name);
    Py_XDECREF(value);
    return ok;
}

static int read_number(PyObject *module, const char *name, double *out) {
    PyObject *value = PyObject_GetAttrString(module, name);
    if (value) *out = PyFloat_AsDouble(value);
    Py_XDECREF(value);
    return !PyErr_Occurred();
}

static int read_size(PyObject *module, const char *name, Py_ssize_t *out) {
    PyObject *value = PyObject_GetAttrString(module, name);
    if (value) *out = PyLong_AsSsize_t(value);
    Py_XDECREF(value);
    return !PyErr_Occurred();
}

static int read_constants(void) {
    PyObject *m = PyImport_ImportModule("assistant.kernels.constants");
    double count = 0;
    int ok = m && read_tag(m, "TOKEN_TAG", &K.token) && read_tag(m, "PAIR_TAG", &K.pair)
             && read_tag(m, "GRAM_TAG", &K.gram)
             && read_tag(m, "TEXT_WORD_TAG", &K.text_word) && read_tag(m, "TEXT_PAIR_TAG", &K.text_pair)
             && read_tag(m, "TEXT_GRAM_TAG", &K.text_gram) && read_chars(m, "TOKEN_BOUNDS", K.bounds, 2, 2) == 2
             && read_chars(m, "PLACEHOLDER", &K.placeholder, 1, 1) == 1
             && read_chars(m, "APOSTROPHE", &K.apostrophe, 1, 1) == 1
             && (K.n_symbols = read_chars(m, "SYMBOLS", K.symbols, 0, MAX_SYMBOLS)) >= 0
             && read_range(m, "TOKEN_GRAMS", &K.token_gram_min, &K.token_gram_max)
             && read_range(m, "TEXT_GRAMS", &K.text_gram_min, &K.text_gram_max)
             && read_number(m, "GRAM_COUNT", &count) && read_size(m, "COLUMNS_PER_CHARACTER", &K.columns_per_character);
    K.gram_count = (float)count;
    /* The text's look-up writes up to a word, a pair and a stretch of each size per character. */
    if (ok && (!(count > 0) || K.columns_per_character < 2 + K.text_gram_max - K.text_gram_min + 1)) {
        PyErr_SetString(PyExc_ImportError,
                        "constants: GRAM_COUNT must be positive, COLUMNS_PER_CHARACTER large enough");
        ok = 0;
    }
    Py_XDECREF(m);
    return ok;
}

/* -- arrays: read through the buffer protocol, checked ----------------------------------------- */

/* One argument: its struct format as numpy gives it for native arrays ("i" int32, "l" int64,
 * "h" int16, "f" float32, "e" float16), its item size, dimensions, and whether it is written. */
typedef struct {
    const char *name, *format;
    Py_ssize_t itemsize;
    int ndim, writable;
} ArraySpec;

/* Views of objs[0..n) as the specs say (C-contiguous), or 0 with TypeError (or the buffer
 * protocol's own error) set. views must start zeroed; release_arrays() frees them in every case. */
static int get_arrays(const char *function, PyObject **objs, Py_buffer *views, const ArraySpec *specs, int n) {
    for (int i = 0; i < n; i++) {
        const ArraySpec *s = &specs[i];
        int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (s->writable ? PyBUF_WRITABLE : 0);
        if (PyObject_GetBuffer(objs[i], &views[i], flags) < 0) return 0;
        const char *format = views[i].format ? views[i].format : "B";
        if (views[i].ndim != s->ndim || views[i].itemsize != s->itemsize || strcmp(format, s->format) != 0) {
            PyErr_Format(PyExc_TypeError, "%s: %s must be a %d-D array of '%s' items of %zd bytes, not '%s'",
                         function, s->name, s->ndim, s->format, s->itemsize, format);
            return 0;
        }
    }
    return 1;
}

static void release_arrays(Py_buffer *views, int n) {
    for (int i = 0; i < n; i++)
        if (views[i].obj) PyBuffer_Release(&views[i]);
}

static int is_alnum(Py_UCS4 c) { return Py_UNICODE_ISALNUM(c); }             /* the re module's [^\W_] */
static int is_word(Py_UCS4 c) { return Py_UNICODE_ISALNUM(c) || c == '_'; }  /* its \w */

/* -- words: pure.split, each regular expression in one pass ------------------------------------ */

/* Does one of the elided words start at i, followed by an apostrophe? Its length, or 0. */
static Py_ssize_t elided_at(const Py_UCS4 *text, Py_ssize_t n, Py_ssize_t i, PyObject *elided) {
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(elided); k++) {
        PyObject *word = PyTuple_GET_ITEM(elided, k);
        Py_ssize_t m = PyUnicode_GET_LENGTH(word), j = 0;
        if (i + m >= n || text[i + m] != K.apostrophe) continue;
        while (j < m && text[i + j] == PyUnicode_READ_CHAR(word, j)) j++;
        if (j == m) return m;
    }
    return 0;
}

/* The apostrophe after each elided word, found at a word boundary, becomes a space. */
static void mark_elisions(Py_UCS4 *text, Py_ssize_t n, PyObject *elided) {
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!is_word(text[i]) || (i > 0 && is_word(text[i - 1]))) continue;
        Py_ssize_t m = elided_at(text, n, i, elided);
        if (m) {
            text[i + m] = ' ';
            i += m;
        }
    }
}

static int is_symbol(Py_UCS4 c) {
    for (Py_ssize_t k = 0; k < K.n_symbols; k++)
        if (c == K.symbols[k]) return 1;
    return 0;
}

/* Where the word starting at i ends (runs of letters and digits joined by single apostrophes, or
 * one symbol); i itself if none starts there. */
static Py_ssize_t word_end(const Py_UCS4 *text, Py_ssize_t n, Py_ssize_t i) {
    if (is_symbol(text[i])) return i + 1;
    if (!is_alnum(text[i])) return i;
    while (i < n && is_alnum(text[i])) i++;
    while (i + 1 < n && text[i] == K.apostrophe && is_alnum(text[i + 1]))
        for (i++; i < n && is_alnum(text[i]); i++) {}
    return i;
}

static PyObject *words_of(const Py_UCS4 *text, Py_ssize_t n) {
    PyObject *list = PyList_New(0);
    for (Py_ssize_t i = 0; list && i < n;) {
        Py_ssize_t end = word_end(text, n, i);
        if (end == i) {
            i++;
            continue;
        }
        PyObject *word = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, text + i, end - i);
        if (!word || PyList_Append(list, word) < 0) Py_CLEAR(list);
        Py_XDECREF(word);
        i = end;
    }
    if (!list) return NULL;
    PyObject *result = PyList_AsTuple(list);
    Py_DECREF(list);
    return result;
}

/* -- pooling: pure.pool ------------------------------------------------------------------------ */

static float from_half[65536];  /* every half float as a float, filled when the module is imported */
static int use_f16c;           /* the processor converts them itself (and ASSISTANT_NO_F16C is not set) */

/* IEEE 754 half precision to single, exactly: every half float is a float. */
static float half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff, bits;
    float value;
    if (exponent == 0) {  /* zero or subnormal: mantissa * 2^-24 */
        value = (float)mantissa * 5.9604644775390625e-8f;
        memcpy(&bits, &value, 4);
        bits |= sign;
    } else if (exponent == 31) {  /* infinity or NaN */
        bits = sign | 0x7f800000u | (mantissa << 13);
    } else {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    }
    memcpy(&value, &bits, 4);
    return value;
}

/* Adds row[from:d] into total and keeps the larger of each in top (the row's own if first). */
static void add_row(const uint16_t *row, Py_ssize_t from, Py_ssize_t d, int first, float *total, float *top) {
    for (Py_ssize_t j = from; j < d; j++) {
        float v = from_half[row[j]];
        total[j] += v;
        top[j] = first || v > top[j] ? v : top[j];
    }
}

#ifdef X86
/* add_row eight columns at a time, converted by F16C: the 256 KB table does not fit the first-level
 * cache (a message missed it 1,600 times). Same sums in the same order, same max: the same floats. */
__attribute__((target("avx,f16c"))) static void add_row_f16c(const uint16_t *row, Py_ssize_t d, int first,
                                                               float *total, float *top) {
    Py_ssize_t j = 0;
    for (; j + 8 <= d; j += 8) {
        __m256 v = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + j)));
        _mm256_storeu_ps(total + j, _mm256_add_ps(_mm256_loadu_ps(total + j), v));
        _mm256_storeu_ps(top + j, first ? v : _mm256_max_ps(v, _mm256_loadu_ps(top + j)));
    }
    add_row(row, j, d, first, total, top);
}
#endif

static void normalise(float *v, Py_ssize_t n) {
    double total = 0.0;
    for (Py_ssize_t j = 0; j < n; j++) total += (double)v[j] * v[j];
    if (total > 0.0) {
        float scale = (float)(1.0 / sqrt(total));
        for (Py_ssize_t j = 0; j < n; j++) v[j] *= scale;
    }
}

/* out[:d] = the rows' sum, out[d:] = their element-wise max, each L2-normalised; zeros if no id. */
static void pool_rows(const uint16_t *table, Py_ssize_t d, const Py_ssize_t *ids, Py_ssize_t n, float *out) {
    float *total = out, *top = out + d;
    memset(out, 0, 2 * d * sizeof *out);
    for (Py_ssize_t i = 0; i < n; i++) {
        const uint16_t *row = table + ids[i] * d;
#ifdef X86
        if (use_f16c) {
            add_row_f16c(row, d, i == 0, total, top);
            continue;
        }
#endif
        add_row(row, 0, d, i == 0, total, top);
    }
    normalise(total, d);
    normalise(top, d);
}

/* The ids of a list of ints, each checked against the table's rows; 0 on error. */
static int read_ids(PyObject *list, Py_ssize_t rows, Py_ssize_t *ids) {
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); i++) {
        Py_ssize_t id = PyLong_AsSsize_t(PyList_GET_ITEM(list, i));
        if (id == -1 && PyErr_Occurred()) return 0;
        if (id < 0 || id >= rows) {
            PyErr_Format(PyExc_IndexError, "pool: token id %zd outside the table's %zd rows", id, rows);
            return 0;
        }
        ids[i] = id;
    }
    return 1;
}

/* -- vocabulary: pure.table, pure.token_features, pure.surface_features ------------------------ */

#define TABLE_CAPSULE "assistant.kernels._native.Table"

typedef struct {
    uint32_t hash, start;  /* the key is pool[start, start + length) */
    int32_t col;           /* -1: an empty slot */
    uint32_t length;
} Slot;

typedef struct {
    Slot *slots;
    size_t mask;
    Py_UCS4 *pool;
    Py_ssize_t columns;  /* 1 + the largest column */
} Table;

/* FNV-1a over the code points of a key. */
static uint32_t hash_of(const Py_UCS4 *key, Py_ssize_t n) {
    uint32_t h = 2166136261u;
    for (Py_ssize_t i = 0; i < n; i++) {
        h ^= (uint32_t)key[i];
        h *= 16777619u;
    }
    return h;
}

static Slot *slot_of(const Table *t, const Py_UCS4 *key, Py_ssize_t n, uint32_t h) {
    for (size_t i = h & t->mask;; i = (i + 1) & t->mask) {
        Slot *s = &t->slots[i];
        if (s->col < 0) return s;
        if (s->hash == h && s->length == (uint32_t)n && memcmp(t->pool + s->start, key, n * sizeof *key) == 0)
            return s;
    }
}

static int32_t column(const Table *t, const Py_UCS4 *key, Py_ssize_t n) {
    return slot_of(t, key, n, hash_of(key, n))->col;
}

static void free_table(Table *t) {
    if (!t) return;
    PyMem_Free(t->slots);
    PyMem_Free(t->pool);
    PyMem_Free(t);
}

static void destroy_table(PyObject *capsule) { free_table(PyCapsule_GetPointer(capsule, TABLE_CAPSULE)); }

/* Each key of index (str -> int, checked) copied into the pool and placed in the slots. */
static Table *fill(Table *t, PyObject *index, Py_ssize_t pool_size) {
    Py_ssize_t pos = 0, used = 0;
    PyObject *key, *value;
    while (PyDict_Next(index, &pos, &key, &value)) {
        Py_ssize_t n = PyUnicode_GET_LENGTH(key);
        long col = PyLong_AsLong(value);
        if (col < 0 || col > INT32_MAX) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "table: columns must be in 0..2**31");
            return NULL;
        }
        if (!PyUnicode_AsUCS4(key, t->pool + used, pool_size - used, 0)) return NULL;
        uint32_t h = hash_of(t->pool + used, n);
        Slot *s = slot_of(t, t->pool + used, n, h);
        if (s->col < 0) *s = (Slot){h, (uint32_t)used, (int32_t)col, (uint32_t)n};
        if (col >= t->columns) t->columns = col + 1;
        used += n;
    }
    return t;
}

/* A key: a tag, then up to two stretches of text joined by a space. */
static Py_ssize_t key_of(Py_UCS4 *key, const Tag *tag, const Py_UCS4 *a, Py_ssize_t na, const Py_UCS4 *b,
                         Py_ssize_t nb) {
    Py_ssize_t at = tag->length;
    memcpy(key, tag->text, at * sizeof *key);
    memcpy(key + at, a, na * sizeof *a);
    if (!b) return at + na;
    key[at + na] = ' ';
    memcpy(key + at + na + 1, b, nb * sizeof *b);
    return at + na + 1 + nb;
}

/* The text's words and their pairs, then its stretches (pure.surface_features): their known columns
 * in out, how many of the first kind in *words_out, of all in *total_out. */
static void columns_of(const Table *t, const Py_UCS4 *text, Py_ssize_t n, int32_t *out, Py_UCS4 *key,
                       Py_ssize_t *words_out, Py_ssize_t *total_out) {
    Py_ssize_t words = 0, last = -1, last_length = 0, total;
    for (Py_ssize_t i = 0; i < n;) {
        if (!is_word(text[i])) {
            i++;
            continue;
        }
        Py_ssize_t start = i;
        while (i < n && is_word(text[i])) i++;
        int32_t col = column(t, key, key_of(key, &K.text_word, text + start, i - start, NULL, 0));
        if (col >= 0) out[words++] = col;
        if (last >= 0) {
            col = column(t, key, key_of(key, &K.text_pair, text + last, last_length, text + start, i - start));
            if (col >= 0) out[words++] = col;
        }
        last = start;
        last_length = i - start;
    }
    total = words;
    for (Py_ssize_t j = 0; j < n; j++)
        for (Py_ssize_t g = K.text_gram_min; g <= K.text_gram_max && j + g <= n; g++) {
            int32_t col = column(t, key, key_of(key, &K.text_gram, text + j, g, NULL, 0));
            if (col >= 0) out[total++] = col;
        }
    *words_out = words;
    *total_out = total;
}

/* columns_of() for a str; out holds COLUMNS_PER_CHARACTER columns per character. 0 if out of memory. */
static int text_columns(const Table *t, PyObject *folded, int32_t *out, Py_ssize_t *words, Py_ssize_t *total) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(folded);
    Py_UCS4 *text = PyUnicode_AsUCS4Copy(folded);
    Py_UCS4 *key = PyMem_Malloc((MAX_TAG + 1 + 2 * n) * sizeof *key);  /* the longest key: a pair of words */
    int ok = text && key;
    if (ok)
        columns_of(t, text, n, out, key, words, total);
    else
        PyErr_NoMemory();
    PyMem_Free(text);
    PyMem_Free(key);
    return ok;
}

/* The token features the table lacks, each once, in the order first met, with its count so far. */
typedef struct {
    uint32_t hash;
    Py_ssize_t start, length;  /* in arena */
    double count;
} Unknown;

typedef struct {
    Unknown *items;
    Py_ssize_t n, *slots;  /* slots: an item's index, or -1 */
    size_t mask;
    Py_UCS4 *arena;
    Py_ssize_t used;
} Unknowns;

static void count_unknown(Unknowns *u, const Py_UCS4 *key, Py_ssize_t n, uint32_t h, double count) {
    size_t i = h & u->mask;
    for (; u->slots[i] >= 0; i = (i + 1) & u->mask) {
        Unknown *it = &u->items[u->slots[i]];
        if (it->hash == h && it->length == n && memcmp(u->arena + it->start, key, n * sizeof *key) == 0) {
            it->count += count;
            return;
        }
    }
    memcpy(u->arena + u->used, key, n * sizeof *key);
    u->items[u->n] = (Unknown){h, u->used, n, count};
    u->slots[i] = u->n++;
    u->used += n;
}

/* What a token look-up writes to: the known columns and counts, and the unknown features. */
typedef struct {
    const Table *table;
    int32_t *cols;
    float *counts;
    Py_ssize_t known;
    Unknowns unknown;
} Found;

static void found(Found *f, const Py_UCS4 *key, Py_ssize_t n, float count) {
    uint32_t h = hash_of(key, n);
    int32_t col = slot_of(f->table, key, n, h)->col;
    if (col >= 0) {
        f->cols[f->known] = col;
        f->counts[f->known++] = count;
    } else {
        count_unknown(&f->unknown, key, n, h, count);
    }
}

static void token_grams(Found *f, const Py_UCS4 *token, Py_ssize_t n, Py_UCS4 *bounded, Py_UCS4 *key) {
    if (n <= K.token_gram_min || token[0] == K.placeholder) return;
    bounded[0] = K.bounds[0];
    memcpy(bounded + 1, token, n * sizeof *token);
    bounded[n + 1] = K.bounds[1];
    for (Py_ssize_t g = K.token_gram_min; g <= K.token_gram_max; g++)
        for (Py_ssize_t j = 0; j + g <= n + 2; j++)
            found(f, key, key_of(key, &K.gram, bounded + j, g, NULL, 0), K.gram_count);
}

/* The pairs, then each token and its n-grams (pure.token_keys); token i is text[starts[i]:][:lengths[i]]. */
static void read_features(Found *f, const Py_UCS4 *text, const Py_ssize_t *starts, const Py_ssize_t *lengths,
                          Py_ssize_t count, Py_UCS4 *key, Py_UCS4 *bounded) {
    for (Py_ssize_t i = 0; i + 1 < count; i++)
        found(f, key, key_of(key, &K.pair, text + starts[i], lengths[i], text + starts[i + 1], lengths[i + 1]), 1.0f);
    for (Py_ssize_t i = 0; i < count; i++) {
        found(f, key, key_of(key, &K.token, text + starts[i], lengths[i], NULL, 0), 1.0f);
        token_grams(f, text + starts[i], lengths[i], bounded, key);
    }
}

/* The sum over the unknown features of ((1 + log tf) * unseen_idf) ** 2, in the order first met. */
static double unseen_weight(const Unknowns *u, double unseen_idf) {
    double total = 0.0;
    for (Py_ssize_t i = 0; i < u->n; i++) {
        double w = (1.0 + log(u->items[i].count)) * unseen_idf;
        total += w * w;
    }
    return total;
}

/* A message's tokens read into one block with the scratch space their features need. */
typedef struct {
    char *block;  /* PyMem_Free it */
    Found found;
} TokenLookup;

/* The block's parts, 8-byte items first so that each array is aligned. A token of n characters has
 * itself, a pair at most, and fewer than n + 2 n-grams of each size; an unknown feature's key takes at
 * most a tag and a space, then a gram or some of the tokens' characters (three times each at most). */
static int token_block(TokenLookup *out, const Table *t, Py_ssize_t count, Py_ssize_t chars, Py_ssize_t longest,
                       Py_ssize_t **starts, Py_UCS4 **text, Py_UCS4 **key, Py_UCS4 **bounded) {
    Py_ssize_t most = 2 * count + (K.token_gram_max - K.token_gram_min + 1) * (chars + 2 * count), slots = 2;
    while (slots < 2 * most) slots *= 2;
    Py_ssize_t key_room = MAX_TAG + 3 + 2 * longest, arena_room = (MAX_TAG + 1 + K.token_gram_max) * most + 3 * chars;
    size_t bytes = (2 * count + slots) * sizeof(Py_ssize_t) + most * (sizeof(Unknown) + sizeof(int32_t) + sizeof(float))
                   + (chars + 2 * key_room + arena_room) * sizeof(Py_UCS4);
    char *block = PyMem_Malloc(bytes);
    if (!block) return 0;
    Py_ssize_t *slot = (Py_ssize_t *)block + 2 * count;
    Unknown *items = (Unknown *)(slot + slots);
    int32_t *cols = (int32_t *)(items + most);
    float *counts = (float *)(cols + most);
    *starts = (Py_ssize_t *)block;
    *text = (Py_UCS4 *)(counts + most);
    *key = *text + chars;
    *bounded = *key + key_room;
    for (Py_ssize_t i = 0; i < slots; i++) slot[i] = -1;
    *out = (TokenLookup){block, {t, cols, counts, 0, {items, 0, slot, (size_t)slots - 1, *bounded + key_room, 0}}};
    return 1;
}

/* Looks up the features of a list of str into *out; 0 with an exception set if it cannot. */
static int look_up_tokens(const Table *t, PyObject *tokens, TokenLookup *out) {
    Py_ssize_t count = PyList_GET_SIZE(tokens), chars = 0, longest = 0, *starts;
    Py_UCS4 *text, *key, *bounded;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *token = PyList_GET_ITEM(tokens, i);
        if (!PyUnicode_Check(token)) {
            PyErr_SetString(PyExc_TypeError, "tokens must be str");
            return 0;
        }
        Py_ssize_t n = PyUnicode_GET_LENGTH(token);
        chars += n;
        if (n > longest) longest = n;
    }
    if (!token_block(out, t, count, chars, longest, &starts, &text, &key, &bounded)) {
        PyErr_NoMemory();
        return 0;
    }
    Py_ssize_t *lengths = starts + count;
    for (Py_ssize_t i = 0, at = 0; i < count; i++) {
        PyObject *token = PyList_GET_ITEM(tokens, i);
        starts[i] = at;
        lengths[i] = PyUnicode_GET_LENGTH(token);
        for (Py_ssize_t j = 0; j < lengths[i]; j++) text[at++] = PyUnicode_READ_CHAR(token, j);
    }
    read_features(&out->found, text, starts, lengths, count, key, bounded);
    return 1;
}

/* -- tf-idf: pure._weigh ----------------------------------------------------------------------- */

typedef struct {
    int32_t col;
    float count;
} Feature;

/* Columns with their counts (each 1 if counts is NULL) as weigh() reads them. */
static void as_features(Feature *f, const int32_t *cols, const float *counts, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) f[i] = (Feature){cols[i], counts ? counts[i] : 1.0f};
}

/* Sorts a short block by column: a Shell sort (Ciura's gaps), its comparison inlined. Equal columns
 * may come in any order: their counts, whole numbers and halves, add up exactly in any order. */
static void shell_sort(Feature *f, Py_ssize_t n) {
    static const Py_ssize_t gaps[] = {57, 23, 10, 4, 1};
    for (size_t g = 0; g < sizeof gaps / sizeof *gaps; g++) {
        Py_ssize_t gap = gaps[g];
        for (Py_ssize_t i = gap; i < n; i++) {
            Feature item = f[i];
            Py_ssize_t j = i;
            for (; j >= gap && f[j - gap].col > item.col; j -= gap) f[j] = f[j - gap];
            f[j] = item;
        }
    }
}

/* Sorts by column, with tmp as room for n more: a radix sort, a byte of the column at a time, for as
 * many bytes as the largest column has. On a message's two hundred-odd n-grams it costs a fifth of
 * the Shell sort's comparisons; below SHORT features the Shell sort is cheaper. */
#define SHORT 64
static void sort_by_column(Feature *f, Feature *tmp, Py_ssize_t n) {
    if (n < SHORT) {
        shell_sort(f, n);
        return;
    }
    uint32_t most = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if ((uint32_t)f[i].col > most) most = (uint32_t)f[i].col;
    Feature *from = f, *to = tmp;
    for (unsigned shift = 0; shift < 32 && (most >> shift); shift += 8) {
        Py_ssize_t start[257] = {0};  /* start[d + 1] counts digit d, then start[d] is where it goes */
        for (Py_ssize_t i = 0; i < n; i++) start[((uint32_t)from[i].col >> shift & 255) + 1]++;
        for (int d = 1; d < 256; d++) start[d] += start[d - 1];
        for (Py_ssize_t i = 0; i < n; i++) to[start[(uint32_t)from[i].col >> shift & 255]++] = from[i];
        Feature *swap = from;
        from = to;
        to = swap;
    }
    if (from != f) memcpy(f, from, n * sizeof *f);
}

/* One block sorted, merged by column into cols and weights ((1 + log tf) * idf), then L2-normalised:
 * returns how many, and the squared norm before normalising in *square. Columns checked before. */
static Py_ssize_t weigh(Feature *f, Feature *tmp, Py_ssize_t n, const float *idf, int32_t *cols, float *weights,
                        double *square) {
    Py_ssize_t kept = 0;
    sort_by_column(f, tmp, n);
    *square = 0.0;
    for (Py_ssize_t i = 0; i < n; kept++) {
        float tf = 0.0f;
        int32_t col = f[i].col;
        for (; i < n && f[i].col == col; i++) tf += f[i].count;
        float weight = (1.0f + logf(tf)) * idf[col];
        cols[kept] = col;
        weights[kept] = weight;
        *square += (double)weight * weight;
    }
    if (*square > 0.0) {
        float factor = (float)(1.0 / sqrt(*square));
        for (Py_ssize_t i = 0; i < kept; i++) weights[i] *= factor;
    }
    return kept;
}

/* -- classifier: pure.probabilities, pure.ranked ----------------------------------------------- */

/* Eight classes at a time where the processor has AVX2 (chosen when the module loads), four
 * elsewhere; never a fused multiply-add. Each class's score is summed in the rows' order either way. */
#if defined(X86) && !defined(__clang__)
#define CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CLONES
#endif

/* acc[:k] += w * coef[row, :k] for each listed row. */
CLONES static void add_sparse(const int16_t *coef, Py_ssize_t k, const int32_t *cols, const float *weights,
                              Py_ssize_t n, Py_ssize_t offset, float *acc) {
    for (Py_ssize_t i = 0; i < n; i++) {
        const int16_t *row = coef + (cols[i] + offset) * k;
        float w = weights[i];
        for (Py_ssize_t j = 0; j < k; j++) acc[j] += w * (float)row[j];
    }
}

/* acc[:k] += v[d] * coef[d, :k] for every d where v[d] is not zero. */
CLONES static void add_dense(const float *coef, Py_ssize_t k, const float *v, Py_ssize_t d, float *acc) {
    for (Py_ssize_t i = 0; i < d; i++) {
        if (v[i] == 0.0f) continue;
        const float *row = coef + i * k;
        float w = v[i];
        for (Py_ssize_t j = 0; j < k; j++) acc[j] += w * row[j];
    }
}

/* A linear classifier: coef is features x classes, 16-bit, each class's column scaled by scale;
 * dense_coef the sentence vector's rows. */
typedef struct {
    const int16_t *coef;
    const float *scale, *dense_coef, *intercept;
    Py_ssize_t classes, offset;  /* offset: where the text's rows start in coef */
    double temperature;
} Linear;

/* One block of a message's sparse features: columns and their weights. */
typedef struct {
    const int32_t *cols;
    const float *weights;
    Py_ssize_t n;
} Block;

/* out = softmax(temperature * (sparse * scale + dense + intercept)), the sparse scores from the
 * rows of a's columns and of b's plus offset; scratch holds a row of classes. */
static void probabilities_of(const Linear *m, Block a, Block b, const float *dense, Py_ssize_t d, float *out,
                             float *scratch) {
    Py_ssize_t k = m->classes;
    memset(out, 0, k * sizeof *out);
    memset(scratch, 0, k * sizeof *scratch);
    add_sparse(m->coef, k, a.cols, a.weights, a.n, 0, out);
    add_sparse(m->coef, k, b.cols, b.weights, b.n, m->offset, out);
    add_dense(m->dense_coef, k, dense, d, scratch);
    float top = -INFINITY;
    for (Py_ssize_t j = 0; j < k; j++) {
        out[j] = (out[j] * m->scale[j] + scratch[j] + m->intercept[j]) * (float)m->temperature;
        if (out[j] > top) top = out[j];
    }
    double total = 0.0;
    for (Py_ssize_t j = 0; j < k; j++) total += (out[j] = expf(out[j] - top));
    for (Py_ssize_t j = 0; j < k; j++) out[j] = (float)(out[j] / total);
}

/* The class before which no other comes: the higher confidence, a number before NaN, then the lower
 * index (so that ties rank as the classes are listed). */
static Py_ssize_t next_best(const float *confidence, const char *taken, Py_ssize_t k) {
    Py_ssize_t best = -1;
    for (Py_ssize_t j = 0; j < k; j++) {
        if (taken[j]) continue;
        if (best < 0 || confidence[j] > confidence[best] || (isnan(confidence[best]) && !isnan(confidence[j])))
            best = j;
    }
    return best;
}

/* [(class, confidence, probability, similarity)] of the top classes by
 * confidence = prob ** (1 - blend) * sim ** blend. */
static PyObject *top_of(const float *prob, const float *sim, Py_ssize_t k, double blend, Py_ssize_t top,
                        float *confidence, char *taken) {
    for (Py_ssize_t j = 0; j < k; j++) {
        confidence[j] = powf(prob[j], (float)(1.0 - blend)) * powf(sim[j], (float)blend);
        taken[j] = 0;
    }
    PyObject *list = PyList_New(top);
    for (Py_ssize_t i = 0; list && i < top; i++) {
        Py_ssize_t j = next_best(confidence, taken, k);
        taken[j] = 1;
        PyObject *row = Py_BuildValue("(nddd)", j, (double)confidence[j], (double)prob[j], (double)sim[j]);
        if (!row) Py_CLEAR(list);
        else PyList_SET_ITEM(list, i, row);
    }
    return list;
}

/* -- nearest: pure.Index, examples by feature, sorted by intent -------------------------------- */

enum { INDPTR, EXAMPLES, POSTINGS, STARTS, N_INDEX };

typedef struct {
    const int32_t *indptr, *examples;
    const float *weights;
    const int64_t *starts;  /* intent i's examples begin at starts[i] */
    Py_ssize_t n_features, n_examples, n_intents;
    float *score;           /* n_examples zeros between calls (the GIL is held from first use to zeroing) */
} Index;

/* score[e] += query . example e, over the query's columns, in single precision as the weights are. */
static void accumulate(const Index *x, const int32_t *cols, const float *query, Py_ssize_t n) {
    for (Py_ssize_t k = 0; k < n; k++) {
        float w = query[k];
        for (int32_t p = x->indptr[cols[k]], end = x->indptr[cols[k] + 1]; p < end; p++)
            x->score[x->examples[p]] += w * x->weights[p];
    }
}

/* The largest of x[0..n) and 0. Scores are sums of products of finite weights: never NaN. */
static float max_of(const float *x, Py_ssize_t n) {
    float best = 0.0f;
    Py_ssize_t i = 0;
#ifdef X86  /* four at a time (SSE, which every x86-64 processor has) */
    __m128 best4 = _mm_setzero_ps();
    for (; i + 4 <= n; i += 4) best4 = _mm_max_ps(best4, _mm_loadu_ps(x + i));
    float lanes[4];
    _mm_storeu_ps(lanes, best4);
    for (int j = 0; j < 4; j++)
        if (lanes[j] > best) best = lanes[j];
#endif
    for (; i < n; i++)
        if (x[i] > best) best = x[i];
    return best;
}

/* out[i] = the best score of query (columns checked by the caller) among intent i's examples, 0 if none. */
static void best_per_intent(const Index *x, const int32_t *cols, const float *query, Py_ssize_t n, float *out) {
    accumulate(x, cols, query, n);
    for (Py_ssize_t i = 0; i < x->n_intents; i++) {
        Py_ssize_t end = i + 1 < x->n_intents ? x->starts[i + 1] : x->n_examples;
        out[i] = max_of(x->score + x->starts[i], end - x->starts[i]);
    }
    memset(x->score, 0, x->n_examples * sizeof *x->score);
}

/* Every row of postings inside the arrays, every posting an example that exists, the intents' first
 * examples in order: checked once, so that a message's thousands of postings need no check. */
static int valid_index(const Index *x, Py_ssize_t n_postings, Py_ssize_t n_weights) {
    if (x->n_features < 0 || n_weights != n_postings || x->indptr[0] != 0 || x->n_examples < 0) return 0;
    for (Py_ssize_t c = 0; c < x->n_features; c++)
        if (x->indptr[c] > x->indptr[c + 1] || x->indptr[c + 1] > n_postings) return 0;
    for (Py_ssize_t p = 0; p < n_postings; p++)
        if (x->examples[p] < 0 || x->examples[p] >= x->n_examples) return 0;
    for (Py_ssize_t i = 0; i < x->n_intents; i++)
        if (x->starts[i] < 0 || x->starts[i] > x->n_examples || (i && x->starts[i] < x->starts[i - 1])) return 0;
    return 1;
}

/* -- matching: pure.model, pure.rank ----------------------------------------------------------- */

#define MODEL_CAPSULE "assistant.kernels._native.Model"

enum { TOKEN_IDF, SURFACE_IDF, COEF, SCALE, DENSE_COEF, INTERCEPT, N_MODEL };

static const ArraySpec MODEL_SPECS[N_MODEL] = {
    {"token_idf", "f", 4, 1, 0}, {"surface_idf", "f", 4, 1, 0}, {"coef", "h", 2, 2, 0},
    {"scale", "f", 4, 1, 0},     {"dense_coef", "f", 4, 2, 0},  {"intercept", "f", 4, 1, 0},
};
static const ArraySpec INDEX_SPECS[N_INDEX] = {
    {"indptr", "i", 4, 1, 0}, {"examples", "i", 4, 1, 0}, {"weights", "f", 4, 1, 0}, {"starts", "l", 8, 1, 0},
};

typedef struct {
    PyObject *tables[2];  /* the vocabularies' capsules, held for the model's life */
    const Table *tokens, *surface;
    Py_buffer b[N_MODEL], ib[N_INDEX];  /* held likewise: the arrays cannot go away under it */
    Linear linear;
    Index index;
    double unseen_idf, blend;
} Model;

static void free_model(Model *m) {
    if (!m) return;
    release_arrays(m->b, N_MODEL);
    release_arrays(m->ib, N_INDEX);
    Py_XDECREF(m->tables[0]);
    Py_XDECREF(m->tables[1]);
    PyMem_Free(m->index.score);
    PyMem_Free(m);
}

static void destroy_model(PyObject *capsule) { free_model(PyCapsule_GetPointer(capsule, MODEL_CAPSULE)); }

/* Every column a message can produce has an idf and a row of the classifier (the tokens' rows, then
 * the text's), the index a row of postings per token feature; every class a scale, an intercept, a
 * column of the dense rows and an intent of the index. */
static int consistent(const Model *m) {
    const Py_buffer *b = m->b;
    Py_ssize_t token_size = b[TOKEN_IDF].shape[0], surface_size = b[SURFACE_IDF].shape[0];
    Py_ssize_t rows = b[COEF].shape[0], k = b[COEF].shape[1];
    return m->tokens->columns <= token_size && m->surface->columns <= surface_size
           && rows == token_size + surface_size && m->index.n_features == token_size
           && b[SCALE].shape[0] == k && b[DENSE_COEF].shape[1] == k && b[INTERCEPT].shape[0] == k
           && m->index.n_intents == k;
}

/* The index's fields from its arrays, and its scores; 0 with an exception set if it is not valid. */
static int make_index(Model *m, Py_ssize_t n_examples) {
    Index *x = &m->index;
    const Py_buffer *ib = m->ib;
    *x = (Index){ib[INDPTR].buf, ib[EXAMPLES].buf, ib[POSTINGS].buf, ib[STARTS].buf, ib[INDPTR].shape[0] - 1,
                 n_examples, ib[STARTS].shape[0], NULL};
    if (!valid_index(x, ib[EXAMPLES].shape[0], ib[POSTINGS].shape[0])) {
        PyErr_SetString(PyExc_ValueError,
                        "model: the examples' index has arrays of inconsistent sizes or postings out of range");
        return 0;
    }
    if (!(x->score = PyMem_Calloc(n_examples ? n_examples : 1, sizeof *x->score))) {
        PyErr_NoMemory();
        return 0;
    }
    return 1;
}

/* What a message's scores need besides its features: room for the weighed features and the sort,
 * and three rows of classes (probabilities, similarities, the classifier's and the ranking's scratch). */
typedef struct {
    Feature *features, *sort_room;
    int32_t *cols;
    float *weights, *prob, *sim, *scratch;
    char *taken;
} Scratch;

static char *scratch_for(Scratch *s, Py_ssize_t features, Py_ssize_t k) {
    size_t bytes = 2 * features * sizeof(Feature) + features * (sizeof(int32_t) + sizeof(float))
                   + 3 * k * sizeof(float) + k + 1;
    char *block = PyMem_Malloc(bytes);
    if (!block) return NULL;
    s->features = (Feature *)block;
    s->sort_room = s->features + features;
    s->cols = (int32_t *)(s->sort_room + features);
    s->weights = (float *)(s->cols + features);
    s->prob = s->weights + features;
    s->sim = s->prob + k;
    s->scratch = s->sim + k;
    s->taken = (char *)(s->scratch + k);
    return block;
}

/* The tokens' block weighed into the scratch from 0: how many, and the share of its weight that is
 * known in *coverage (pure.token_vector). */
static Py_ssize_t weigh_tokens(const Model *m, const Found *f, Scratch *s, double *coverage) {
    double known;
    as_features(s->features, f->cols, f->counts, f->known);
    Py_ssize_t n = weigh(s->features, s->sort_room, f->known, m->b[TOKEN_IDF].buf, s->cols, s->weights, &known);
    *coverage = sqrt(known / (known + unseen_weight(&f->unknown, m->unseen_idf)));
    return n;
}

/* The text's two blocks weighed into the scratch from at: the first ends at ends[0], the second at ends[1]. */
static void weigh_text(const Model *m, const int32_t *cols, Py_ssize_t words, Py_ssize_t total, Scratch *s,
                       Py_ssize_t at, Py_ssize_t ends[2]) {
    const float *idf = m->b[SURFACE_IDF].buf;
    double square;
    Feature *f = s->features + at;
    as_features(f, cols, NULL, total);
    ends[0] = at + weigh(f, s->sort_room, words, idf, s->cols + at, s->weights + at, &square);
    ends[1] = ends[0]
              + weigh(f + words, s->sort_room, total - words, idf, s->cols + ends[0], s->weights + ends[0], &square);
}

/* rank() once the message is read: [(intent, confidence, probability, similarity)]. */
static PyObject *ranked_message(const Model *m, const Found *f, const int32_t *text_cols, Py_ssize_t words,
                                Py_ssize_t total, const Py_buffer *dense, Py_ssize_t top) {
    Py_ssize_t k = m->linear.classes, ends[2];
    Scratch s;
    char *block = scratch_for(&s, f->known + total, k);
    if (!block) return PyErr_NoMemory();
    double coverage;
    Py_ssize_t n = weigh_tokens(m, f, &s, &coverage);
    weigh_text(m, text_cols, words, total, &s, n, ends);
    Block tokens = {s.cols, s.weights, n}, text = {s.cols + n, s.weights + n, ends[1] - n};
    probabilities_of(&m->linear, tokens, text, dense->buf, dense->shape[0], s.prob, s.scratch);
    best_per_intent(&m->index, s.cols, s.weights, n, s.sim);
    for (Py_ssize_t j = 0; j < k; j++) s.sim[j] *= (float)coverage;
    PyObject *list = top_of(s.prob, s.sim, k, m->blend, top < k ? top : k, s.scratch, s.taken);
    PyMem_Free(block);
    return list;
}

/* -- entry points: each parses and checks its arguments, then runs the loops ------------------- */

static PyObject *split(PyObject *self, PyObject *args) {
    PyObject *folded, *elided;
    if (!PyArg_ParseTuple(args, "UO!", &folded, &PyTuple_Type, &elided)) return NULL;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(elided); k++)
        if (!PyUnicode_Check(PyTuple_GET_ITEM(elided, k)))
            return PyErr_Format(PyExc_TypeError, "split: elided words must be str");
    Py_ssize_t n = PyUnicode_GET_LENGTH(folded);
    Py_UCS4 *text = PyUnicode_AsUCS4Copy(folded);
    if (!text) return NULL;
    if (PyTuple_GET_SIZE(elided)) mark_elisions(text, n, elided);
    PyObject *result = words_of(text, n);
    PyMem_Free(text);
    return result;
}

static const ArraySpec POOL_SPECS[2] = {{"table", "e", 2, 2, 0}, {"out", "f", 4, 1, 1}};

static PyObject *pool(PyObject *self, PyObject *args) {
    PyObject *list, *o[2];
    Py_buffer b[2] = {{0}};
    Py_ssize_t stack[256], *ids = stack;
    PyObject *result = NULL;
    if (!PyArg_ParseTuple(args, "O!OO", &PyList_Type, &list, &o[0], &o[1]) || !get_arrays("pool", o, b, POOL_SPECS, 2))
        goto done;
    Py_ssize_t n = PyList_GET_SIZE(list), width = b[0].shape[1];
    if (b[1].shape[0] != 2 * width) {
        PyErr_SetString(PyExc_ValueError, "pool: out must be twice as wide as the table");
    } else if (n > (Py_ssize_t)(sizeof stack / sizeof *stack) && !(ids = PyMem_Malloc(n * sizeof *ids))) {
        ids = stack;
        PyErr_NoMemory();
    } else if (read_ids(list, b[0].shape[0], ids)) {
        pool_rows(b[0].buf, width, ids, n, b[1].buf);
        result = Py_NewRef(Py_None);
    }
done:
    if (ids != stack) PyMem_Free(ids);
    release_arrays(b, 2);
    return result;
}

static PyObject *table(PyObject *self, PyObject *index) {
    if (!PyDict_Check(index)) return PyErr_Format(PyExc_TypeError, "table: index must be a dict");
    Py_ssize_t pos = 0, pool_size = 0, size = 2;
    PyObject *key, *value;
    while (PyDict_Next(index, &pos, &key, &value)) {
        if (!PyUnicode_Check(key) || !PyLong_Check(value))
            return PyErr_Format(PyExc_TypeError, "table: index must map str to int");
        pool_size += PyUnicode_GET_LENGTH(key);
    }
    if (pool_size > UINT32_MAX) return PyErr_Format(PyExc_ValueError, "table: index too large");
    while (size < 2 * PyDict_GET_SIZE(index)) size *= 2;  /* at most half full */
    Table *t = PyMem_Calloc(1, sizeof *t);
    if (!t) return PyErr_NoMemory();
    t->mask = (size_t)size - 1;
    t->slots = PyMem_Malloc(size * sizeof *t->slots);
    t->pool = PyMem_Malloc((pool_size ? pool_size : 1) * sizeof *t->pool);
    if (!t->slots || !t->pool) {
        free_table(t);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < size; i++) t->slots[i].col = -1;
    if (!fill(t, index, pool_size)) {
        free_table(t);
        return NULL;
    }
    PyObject *capsule = PyCapsule_New(t, TABLE_CAPSULE, destroy_table);
    if (!capsule) free_table(t);
    return capsule;
}

static PyObject *token_features(PyObject *self, PyObject *args) {
    PyObject *capsule, *tokens;
    double unseen_idf;
    TokenLookup u;
    if (!PyArg_ParseTuple(args, "OO!d", &capsule, &PyList_Type, &tokens, &unseen_idf)) return NULL;
    Table *t = PyCapsule_GetPointer(capsule, TABLE_CAPSULE);
    if (!t || !look_up_tokens(t, tokens, &u)) return NULL;
    const Found *f = &u.found;
    PyObject *result = Py_BuildValue("y#y#d", (const char *)f->cols, (Py_ssize_t)(f->known * sizeof *f->cols),
                                     (const char *)f->counts, (Py_ssize_t)(f->known * sizeof *f->counts),
                                     unseen_weight(&f->unknown, unseen_idf));
    PyMem_Free(u.block);
    return result;
}

static const ArraySpec OUT_SPEC[1] = {{"out", "i", 4, 1, 1}};

static PyObject *surface_features(PyObject *self, PyObject *args) {
    PyObject *capsule, *folded, *o[1];
    Py_buffer b[1] = {{0}};
    if (!PyArg_ParseTuple(args, "OUO", &capsule, &folded, &o[0])) return NULL;
    Table *t = PyCapsule_GetPointer(capsule, TABLE_CAPSULE);
    if (!t) return NULL;
    Py_ssize_t words, total;
    PyObject *result = NULL;
    if (get_arrays("surface_features", o, b, OUT_SPEC, 1)) {
        if (b[0].shape[0] < K.columns_per_character * PyUnicode_GET_LENGTH(folded))
            PyErr_SetString(PyExc_ValueError, "surface_features: out is shorter than COLUMNS_PER_CHARACTER a character");
        else if (text_columns(t, folded, b[0].buf, &words, &total))
            result = Py_BuildValue("nn", words, total);
    }
    release_arrays(b, 1);
    return result;
}

enum { COLS, COUNTS, IDF, OUT_COLS, OUT_WEIGHTS, N_TFIDF };

static const ArraySpec TFIDF_SPECS[N_TFIDF] = {
    {"cols", "i", 4, 1, 0}, {"counts", "f", 4, 1, 0}, {"idf", "f", 4, 1, 0}, {"out_cols", "i", 4, 1, 1},
    {"out_weights", "f", 4, 1, 1},
};

/* Every column inside the idf table, every count positive, every size consistent. */
static int valid_tfidf(const Py_buffer *b, Py_ssize_t split) {
    const int32_t *cols = b[COLS].buf;
    const float *counts = b[COUNTS].buf;
    Py_ssize_t n = b[COLS].shape[0];
    if (b[COUNTS].shape[0] != n || b[OUT_COLS].shape[0] < n || b[OUT_WEIGHTS].shape[0] < n || split < 0 || split > n)
        return 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (cols[i] < 0 || cols[i] >= b[IDF].shape[0] || !(counts[i] > 0.0f)) return 0;
    return 1;
}

/* Weighs both blocks into out_cols and out_weights: (where the second starts, how many, squared norms). */
static PyObject *tfidf_of(const Py_buffer *b, Py_ssize_t split) {
    Py_ssize_t n = b[COLS].shape[0];
    Feature *f = PyMem_Malloc((n ? 2 * n : 1) * sizeof *f);  /* the features, then the sort's room */
    if (!f) return PyErr_NoMemory();
    as_features(f, b[COLS].buf, b[COUNTS].buf, n);
    int32_t *cols = b[OUT_COLS].buf;
    float *weights = b[OUT_WEIGHTS].buf;
    double first, second;
    Py_ssize_t k = weigh(f, f + n, split, b[IDF].buf, cols, weights, &first);
    Py_ssize_t m = weigh(f + split, f + n, n - split, b[IDF].buf, cols + k, weights + k, &second);
    PyMem_Free(f);
    return Py_BuildValue("nn(dd)", k, k + m, first, second);
}

static PyObject *tfidf(PyObject *self, PyObject *args) {
    PyObject *o[N_TFIDF], *result = NULL;
    Py_buffer b[N_TFIDF] = {{0}};
    Py_ssize_t split;
    if (!PyArg_ParseTuple(args, "OOOnOO", &o[COLS], &o[COUNTS], &o[IDF], &split, &o[OUT_COLS], &o[OUT_WEIGHTS]))
        return NULL;
    if (get_arrays("tfidf", o, b, TFIDF_SPECS, N_TFIDF)) {
        if (valid_tfidf(b, split))
            result = tfidf_of(b, split);
        else
            PyErr_SetString(PyExc_ValueError,
                            "tfidf: a column outside the idf table, a count not positive, or sizes inconsistent");
    }
    release_arrays(b, N_TFIDF);
    return result;
}

/* The model's parts read and checked; 0 with an exception set if one is missing or inconsistent. */
static int fill_model(Model *m, PyObject *tokens, PyObject *surface, PyObject **o, PyObject **io,
                      Py_ssize_t n_examples) {
    m->tables[0] = Py_NewRef(tokens);
    m->tables[1] = Py_NewRef(surface);
    if (!(m->tokens = PyCapsule_GetPointer(tokens, TABLE_CAPSULE))
        || !(m->surface = PyCapsule_GetPointer(surface, TABLE_CAPSULE))
        || !get_arrays("model", o, m->b, MODEL_SPECS, N_MODEL) || !get_arrays("model", io, m->ib, INDEX_SPECS, N_INDEX))
        return 0;
    if (m->ib[INDPTR].shape[0] == 0) {
        PyErr_SetString(PyExc_ValueError, "model: the examples' index has no row pointers");
        return 0;
    }
    if (!make_index(m, n_examples)) return 0;
    if (!consistent(m)) {
        PyErr_SetString(PyExc_ValueError, "model: tables, weights and index of inconsistent sizes");
        return 0;
    }
    return 1;
}

/* model((token_table, token_idf, unseen_idf), (surface_table, surface_idf),
 *       (coef, scale, dense_coef, intercept, temperature), (indptr, examples, weights, starts, n_examples), blend) */
static PyObject *model(PyObject *self, PyObject *args) {
    PyObject *o[N_MODEL], *io[N_INDEX], *tokens, *surface;
    double unseen_idf, temperature, blend;
    Py_ssize_t n_examples;
    if (!PyArg_ParseTuple(args, "(OOd)(OO)(OOOOd)(OOOOn)d", &tokens, &o[TOKEN_IDF], &unseen_idf, &surface,
                          &o[SURFACE_IDF], &o[COEF], &o[SCALE], &o[DENSE_COEF], &o[INTERCEPT], &temperature,
                          &io[INDPTR], &io[EXAMPLES], &io[POSTINGS], &io[STARTS], &n_examples, &blend))
        return NULL;
    Model *m = PyMem_Calloc(1, sizeof *m);
    if (!m) return PyErr_NoMemory();
    if (!fill_model(m, tokens, surface, o, io, n_examples)) {
        free_model(m);
        return NULL;
    }
    m->linear = (Linear){m->b[COEF].buf, m->b[SCALE].buf, m->b[DENSE_COEF].buf, m->b[INTERCEPT].buf,
                         m->b[COEF].shape[1], m->b[TOKEN_IDF].shape[0], temperature};
    m->unseen_idf = unseen_idf;
    m->blend = blend;
    PyObject *capsule = PyCapsule_New(m, MODEL_CAPSULE, destroy_model);
    if (!capsule) free_model(m);
    return capsule;
}

static const ArraySpec DENSE_SPEC[1] = {{"dense", "f", 4, 1, 0}};

static PyObject *rank(PyObject *self, PyObject *args) {
    PyObject *capsule, *tokens, *folded, *o[1], *result = NULL;
    Py_buffer dense[1] = {{0}};
    Py_ssize_t top, words, total;
    TokenLookup u = {NULL};
    int32_t *text_cols = NULL;
    if (!PyArg_ParseTuple(args, "OO!UOn", &capsule, &PyList_Type, &tokens, &folded, &o[0], &top)) return NULL;
    Model *m = PyCapsule_GetPointer(capsule, MODEL_CAPSULE);
    if (!m || !get_arrays("rank", o, dense, DENSE_SPEC, 1) || !look_up_tokens(m->tokens, tokens, &u)) goto done;
    if (dense[0].shape[0] != m->b[DENSE_COEF].shape[0] || top < 0) {
        PyErr_SetString(PyExc_ValueError, "rank: a sentence vector of the wrong size, or a negative top");
    } else if (u.found.known == 0) {
        result = PyList_New(0);  /* none of its tokens is known: nothing to rank */
    } else if (!(text_cols = PyMem_Malloc((K.columns_per_character * PyUnicode_GET_LENGTH(folded) + 1)
                                          * sizeof *text_cols))) {
        PyErr_NoMemory();
    } else if (text_columns(m->surface, folded, text_cols, &words, &total)) {
        result = ranked_message(m, &u.found, text_cols, words, total, &dense[0], top);
    }
done:
    release_arrays(dense, 1);
    PyMem_Free(u.block);
    PyMem_Free(text_cols);
    return result;
}

/* The signatures and meanings are pure.py's, where each function has its docstring. */
static PyMethodDef methods[] = {
    {"split", split, METH_VARARGS, "split(folded, elided) -> tuple of str: see pure.split"},
    {"pool", pool, METH_VARARGS, "pool(ids, table, out): see pure.pool"},
    {"table", table, METH_O, "table(index) -> a vocabulary's look-up table: see pure.table"},
    {"token_features", token_features, METH_VARARGS,
     "token_features(table, tokens, unseen_idf) -> (cols as bytes, counts as bytes, unseen): see pure.token_features"},
    {"surface_features", surface_features, METH_VARARGS,
     "surface_features(table, folded, out) -> (words, total): see pure.surface_features"},
    {"tfidf", tfidf, METH_VARARGS,
     "tfidf(cols, counts, idf, split, out_cols, out_weights) -> (k, n, (square1, square2)): see pure.tfidf"},
    {"model", model, METH_VARARGS, "model(tokens, surface, linear, index, blend) -> a matcher's model: see pure.model"},
    {"rank", rank, METH_VARARGS,
     "rank(model, tokens, folded, dense, top) -> [(intent, confidence, probability, similarity)]: see pure.rank"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    .m_base = PyModuleDef_HEAD_INIT, .m_name = "_native", .m_doc = "The matching stage's loops (see pure.py).",
    .m_size = -1, .m_methods = methods,
};

PyMODINIT_FUNC PyInit__native(void) {
    if (!read_constants()) return NULL;
    for (uint32_t h = 0; h < 65536; h++) from_half[h] = half_to_float((uint16_t)h);
#ifdef X86
    use_f16c = __builtin_cpu_supports("avx") && __builtin_cpu_supports("f16c") && !getenv("ASSISTANT_NO_F16C");
#endif
    return PyModule_Create(&module);
}
