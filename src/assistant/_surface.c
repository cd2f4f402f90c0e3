/* The known surface features of a message (surface.py): the columns of its words ("t:"), its word
 * pairs ("u:") and its character 2- to 5-grams ("k:"), in a table of the features the examples use.
 *
 * In Python, each piece of a message was looked up in a per-process cache of its features and the
 * pairs across pieces looked up one by one: some fifty microseconds of interpreter a message. Here
 * a message's few hundred n-grams are each hashed and looked up in a table of some 30,000 entries
 * a tenant, which fits in the processor's cache.
 */
#include "_arrays.h"

#include <stdint.h>
#include <stdlib.h>

#define MIN_GRAM 2
#define MAX_GRAM 5
#define CAPSULE "assistant._surface.Table"

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

static PyObject *features(PyObject *self, PyObject *args) {
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
    else if (get_arrays("features", o, b, OUT_SPEC, 1)) {
        if (b[0].shape[0] < 6 * n)
            PyErr_SetString(PyExc_ValueError, "features: out must hold 6 columns per character of the text");
        else
            result = columns_of(t, text, n, b[0].buf, key);
    }
    release_arrays(b, 1);
    PyMem_Free(text);
    PyMem_Free(key);
    return result;
}

static PyMethodDef methods[] = {
    {"table", table, METH_O,
     "table(index) -> capsule\n\n"
     "A lookup table of a surface vocabulary: index maps each feature (\"t:word\", \"u:word word\",\n"
     "\"k:\" and 2 to 5 characters) to its column."},
    {"features", features, METH_VARARGS,
     "features(table, folded, out) -> (words, total)\n\n"
     "The known columns of a folded message's features, written to out (int32, at least 6 per\n"
     "character): its words (runs of \\w, as the re module reads them) and the pairs of consecutive\n"
     "words in out[:words], then its character n-grams in out[words:total]. A column repeats as\n"
     "often as its feature occurs."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_surface", NULL, -1, methods};

PyMODINIT_FUNC PyInit__surface(void) { return PyModule_Create(&module); }
