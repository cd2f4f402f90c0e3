/* A message's known features, looked up in a table of a vocabulary (feature name -> column):
 * - of the text as written (surface.py): its words ("t:"), word pairs ("u:") and character 2- to
 *   5-grams ("k:");
 * - of its normalised tokens (features.py): each token ("w:"), each pair ("b:") and the character
 *   3- to 5-grams of each token longer than three ("c:", counting half), with the weight of the
 *   features the vocabulary lacks.
 *
 * In Python, a message's words and pieces of text were looked up in per-process caches of their
 * features, then joined: some seventy microseconds of interpreter a message. Here each of its few
 * hundred features is hashed and looked up in a table of 20,000 to 35,000 entries a tenant, which
 * fits in the processor's cache.
 */
#include "_arrays.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#define MIN_GRAM 2      /* the text's n-grams */
#define MAX_GRAM 5
#define MIN_TOKEN_GRAM 3  /* a token's n-grams, and the length it must exceed to have them */
#define CAPSULE "assistant._vocabulary.Table"

typedef struct {
    uint32_t hash, start;  /* the key is pool[start, start + length) */
    int32_t col;           /* -1: an empty slot */
    uint32_t length;
} Slot;

typedef struct {
    Slot *slots;
    size_t mask;
    Py_UCS4 *pool;
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

static void destroy(PyObject *capsule) { free_table(PyCapsule_GetPointer(capsule, CAPSULE)); }

/* Each key's code points copied into the pool, then every key placed in the slots. */
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
        Slot *s = slot_of(t, t->pool + used, n, hash_of(t->pool + used, n));
        if (s->col < 0) *s = (Slot){hash_of(t->pool + used, n), (uint32_t)used, (int32_t)col, (uint32_t)n};
        used += n;
    }
    return t;
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
    PyObject *capsule = PyCapsule_New(t, CAPSULE, destroy);
    if (!capsule) free_table(t);
    return capsule;
}

static int is_word(Py_UCS4 c) { return Py_UNICODE_ISALNUM(c) || c == '_'; }  /* the re module's \w */

/* A key: a two-character tag, then up to two stretches of text joined by a space. */
static Py_ssize_t key_of(Py_UCS4 *key, const char *tag, const Py_UCS4 *a, Py_ssize_t na, const Py_UCS4 *b,
                         Py_ssize_t nb) {
    key[0] = (Py_UCS4)tag[0];
    key[1] = (Py_UCS4)tag[1];
    memcpy(key + 2, a, na * sizeof *a);
    if (!b) return 2 + na;
    key[2 + na] = ' ';
    memcpy(key + 3 + na, b, nb * sizeof *b);
    return 3 + na + nb;
}

/* The words and their pairs, then the n-grams: their known columns in out; returns how many of each. */
static PyObject *columns_of(const Table *t, const Py_UCS4 *text, Py_ssize_t n, int32_t *out, Py_UCS4 *key) {
    Py_ssize_t words = 0, last = -1, last_length = 0, total;
    for (Py_ssize_t i = 0; i < n;) {
        if (!is_word(text[i])) {
            i++;
            continue;
        }
        Py_ssize_t start = i;
        while (i < n && is_word(text[i])) i++;
        int32_t col = column(t, key, key_of(key, "t:", text + start, i - start, NULL, 0));
        if (col >= 0) out[words++] = col;
        if (last >= 0 && (col = column(t, key, key_of(key, "u:", text + last, last_length, text + start, i - start))) >= 0)
            out[words++] = col;
        last = start;
        last_length = i - start;
    }
    total = words;
    for (Py_ssize_t j = 0; j < n; j++)
        for (Py_ssize_t g = MIN_GRAM; g <= MAX_GRAM && j + g <= n; g++) {
            int32_t col = column(t, key, key_of(key, "k:", text + j, g, NULL, 0));
            if (col >= 0) out[total++] = col;
        }
    return Py_BuildValue("nn", words, total);
}

static const ArraySpec OUT_SPEC[1] = {{"out", "i", 4, 1, 1}};

static PyObject *surface_features(PyObject *self, PyObject *args) {
    PyObject *capsule, *folded, *o[1];
    Py_buffer b[1] = {{0}};
    if (!PyArg_ParseTuple(args, "OUO", &capsule, &folded, &o[0])) return NULL;
    Table *t = PyCapsule_GetPointer(capsule, CAPSULE);
    if (!t) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(folded);
    Py_UCS4 *text = PyUnicode_AsUCS4Copy(folded);
    Py_UCS4 *key = PyMem_Malloc((2 * n + 3) * sizeof *key);  /* the longest key: a pair of two words */
    PyObject *result = NULL;
    if (!text || !key)
        PyErr_NoMemory();
    else if (get_arrays("surface_features", o, b, OUT_SPEC, 1)) {
        if (b[0].shape[0] < 6 * n)
            PyErr_SetString(PyExc_ValueError, "surface_features: out must hold 6 columns per character");
        else
            result = columns_of(t, text, n, b[0].buf, key);
    }
    release_arrays(b, 1);
    PyMem_Free(text);
    PyMem_Free(key);
    return result;
}

/* -- a message's tokens ----------------------------------------------------------------------- */

/* The features the table lacks, each once, in the order first met, with its count so far. */
typedef struct {
    uint32_t hash;
    Py_ssize_t start, length;  /* in arena */
    double count;
} Unknown;

typedef struct {
    Unknown *items;
    Py_ssize_t n, *slots; /* slots: an item's index, or -1 */
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

/* What token_features writes to: the known columns and counts, and the unknown features. */
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

static void token_grams(Found *f, const Py_UCS4 *token, Py_ssize_t n, Py_UCS4 *padded, Py_UCS4 *key) {
    if (n <= MIN_TOKEN_GRAM || token[0] == '#') return;
    padded[0] = '<';
    memcpy(padded + 1, token, n * sizeof *token);
    padded[n + 1] = '>';
    for (Py_ssize_t g = MIN_TOKEN_GRAM; g <= MAX_GRAM; g++)
        for (Py_ssize_t j = 0; j + g <= n + 2; j++) found(f, key, key_of(key, "c:", padded + j, g, NULL, 0), 0.5f);
}

/* The tokens as UCS4, one after another in text, token i at starts[i], lengths[i]. */
static void read_features(Found *f, const Py_UCS4 *text, const Py_ssize_t *starts, const Py_ssize_t *lengths,
                          Py_ssize_t count, Py_UCS4 *key, Py_UCS4 *padded) {
    for (Py_ssize_t i = 0; i + 1 < count; i++)
        found(f, key, key_of(key, "b:", text + starts[i], lengths[i], text + starts[i + 1], lengths[i + 1]), 1.0f);
    for (Py_ssize_t i = 0; i < count; i++) {
        found(f, key, key_of(key, "w:", text + starts[i], lengths[i], NULL, 0), 1.0f);
        token_grams(f, text + starts[i], lengths[i], padded, key);
    }
}

static double unseen_weight(const Unknowns *u, double unseen_idf) {
    double total = 0.0;
    for (Py_ssize_t i = 0; i < u->n; i++) {
        double w = (1.0 + log(u->items[i].count)) * unseen_idf;
        total += w * w;
    }
    return total;
}

/* Everything a message's tokens need, in one block: their text, then the scratch space. */
static PyObject *tokens_result(const Table *t, PyObject *tokens, double unseen_idf) {
    Py_ssize_t count = PyList_GET_SIZE(tokens), chars = 0, longest = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *token = PyList_GET_ITEM(tokens, i);
        if (!PyUnicode_Check(token)) return PyErr_Format(PyExc_TypeError, "token_features: tokens must be str");
        Py_ssize_t n = PyUnicode_GET_LENGTH(token);
        chars += n;
        if (n > longest) longest = n;
    }
    /* At most: a pair per token, its word, 3 (n + 2) n-grams; keys of 3 + 2 * longest characters. */
    Py_ssize_t most = 4 * count + 3 * chars + 6 * count, slots = 2;
    while (slots < 2 * most) slots *= 2;
    Py_ssize_t key_room = 8 + 2 * longest, arena_room = 3 * count + 3 * chars + 7 * most;
    size_t bytes = (2 * count + slots) * sizeof(Py_ssize_t) + most * (sizeof(Unknown) + sizeof(int32_t) + sizeof(float))
                   + (chars + 2 * key_room + arena_room) * sizeof(Py_UCS4);
    char *block = PyMem_Malloc(bytes);  /* the 8-byte items first, each array aligned */
    if (!block) return PyErr_NoMemory();
    Py_ssize_t *starts = (Py_ssize_t *)block, *lengths = starts + count, *slot = lengths + count;
    Unknown *items = (Unknown *)(slot + slots);
    int32_t *cols = (int32_t *)(items + most);
    float *weights = (float *)(cols + most);
    Py_UCS4 *text = (Py_UCS4 *)(weights + most), *key = text + chars, *padded = key + key_room;
    Py_UCS4 *arena = padded + key_room;
    for (Py_ssize_t i = 0, at = 0; i < count; i++) {
        PyObject *token = PyList_GET_ITEM(tokens, i);
        starts[i] = at;
        lengths[i] = PyUnicode_GET_LENGTH(token);
        for (Py_ssize_t j = 0; j < lengths[i]; j++) text[at++] = PyUnicode_READ_CHAR(token, j);
    }
    for (Py_ssize_t i = 0; i < slots; i++) slot[i] = -1;
    Found f = {t, cols, weights, 0, {items, 0, slot, (size_t)slots - 1, arena, 0}};
    read_features(&f, text, starts, lengths, count, key, padded);
    PyObject *result = Py_BuildValue("y#y#d", (const char *)cols, (Py_ssize_t)(f.known * sizeof *cols),
                                     (const char *)weights, (Py_ssize_t)(f.known * sizeof *weights),
                                     unseen_weight(&f.unknown, unseen_idf));
    PyMem_Free(block);
    return result;
}

static PyObject *token_features(PyObject *self, PyObject *args) {
    PyObject *capsule, *tokens;
    double unseen_idf;
    if (!PyArg_ParseTuple(args, "OO!d", &capsule, &PyList_Type, &tokens, &unseen_idf)) return NULL;
    Table *t = PyCapsule_GetPointer(capsule, CAPSULE);
    return t ? tokens_result(t, tokens, unseen_idf) : NULL;
}

static PyMethodDef methods[] = {
    {"table", table, METH_O,
     "table(index) -> capsule\n\n"
     "A lookup table of a surface vocabulary: index maps each feature (\"t:word\", \"u:word word\",\n"
     "\"k:\" and 2 to 5 characters) to its column."},
    {"surface_features", surface_features, METH_VARARGS,
     "surface_features(table, folded, out) -> (words, total)\n\n"
     "The known columns of a folded message's features, written to out (int32, at least 6 per\n"
     "character): its words (runs of \\w, as the re module reads them) and the pairs of consecutive\n"
     "words in out[:words], then its character n-grams in out[words:total]. A column repeats as\n"
     "often as its feature occurs."},
    {"token_features", token_features, METH_VARARGS,
     "token_features(table, tokens, unseen_idf) -> (cols, counts, unseen)\n\n"
     "The known features of a list of tokens, as the raw bytes of their columns (int32) and counts\n"
     "(float32), a column repeated as often as its feature occurs: \"w:\" and each token, \"b:\" and each\n"
     "two consecutive tokens (count 1), \"c:\" and each 3- to 5-gram of \"<token>\" for a token longer\n"
     "than three that does not start with '#' (count 0.5). unseen is the sum, over the features the\n"
     "table lacks, in the order first met (the pairs, then each token's), of\n"
     "((1 + log tf) * unseen_idf) ** 2, tf a feature's count in the message."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_vocabulary", NULL, -1, methods};

PyMODINIT_FUNC PyInit__vocabulary(void) { return PyModule_Create(&module); }
