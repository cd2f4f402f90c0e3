/* The look-up tables of a fitted vocabulary, and the look-ups of _vocabulary.h, for Python:
 * surface.py and features.py vectorise the training examples with them, and the tests check them.
 *
 * In Python, a message's words and pieces of text were looked up in per-process caches of their
 * features, then joined: some seventy microseconds of interpreter a message. Here each of its few
 * hundred features is hashed and looked up in a table of 20,000 to 35,000 entries a tenant, which
 * fits in the processor's cache.
 */
#include "_vocabulary.h"

static void free_table(Table *t) {
    if (!t) return;
    PyMem_Free(t->slots);
    PyMem_Free(t->pool);
    PyMem_Free(t);
}

static void destroy(PyObject *capsule) { free_table(PyCapsule_GetPointer(capsule, VOCABULARY_CAPSULE)); }

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
        if (col >= t->columns) t->columns = col + 1;
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
    PyObject *capsule = PyCapsule_New(t, VOCABULARY_CAPSULE, destroy);
    if (!capsule) free_table(t);
    return capsule;
}


static const ArraySpec OUT_SPEC[1] = {{"out", "i", 4, 1, 1}};

static PyObject *surface_features(PyObject *self, PyObject *args) {
    PyObject *capsule, *folded, *o[1];
    Py_buffer b[1] = {{0}};
    if (!PyArg_ParseTuple(args, "OUO", &capsule, &folded, &o[0])) return NULL;
    Table *t = PyCapsule_GetPointer(capsule, VOCABULARY_CAPSULE);
    if (!t) return NULL;
    Py_ssize_t words, total;
    PyObject *result = NULL;
    if (get_arrays("surface_features", o, b, OUT_SPEC, 1)) {
        if (b[0].shape[0] < 6 * PyUnicode_GET_LENGTH(folded))
            PyErr_SetString(PyExc_ValueError, "surface_features: out must hold 6 columns per character");
        else if (text_columns(t, folded, b[0].buf, &words, &total))
            result = Py_BuildValue("nn", words, total);
    }
    release_arrays(b, 1);
    return result;
}

static PyObject *token_features(PyObject *self, PyObject *args) {
    PyObject *capsule, *tokens;
    double unseen_idf;
    TokenLookup u;
    if (!PyArg_ParseTuple(args, "OO!d", &capsule, &PyList_Type, &tokens, &unseen_idf)) return NULL;
    Table *t = PyCapsule_GetPointer(capsule, VOCABULARY_CAPSULE);
    if (!t || !look_up_tokens(t, tokens, &u)) return NULL;
    const Found *f = &u.found;
    PyObject *result = Py_BuildValue("y#y#d", (const char *)f->cols, (Py_ssize_t)(f->known * sizeof *f->cols),
                                     (const char *)f->counts, (Py_ssize_t)(f->known * sizeof *f->counts),
                                     unseen_weight(&f->unknown, unseen_idf));
    PyMem_Free(u.block);
    return result;
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
