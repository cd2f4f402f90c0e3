/* The nearest training example of each intent: the index of the examples, and its walk for Python
 * (the tests; matching.py runs it through _match.c).
 *
 * A message touches about nine thousand postings of the examples' sparse index (over twenty thousand
 * on CLINC150). In numpy that is a gather, a repeat, a weighted bincount and a reduceat: about 700
 * thousand instructions a message, most of them spent making and walking temporary arrays. This loop
 * walks the postings once, for about a fifth of that (callgrind).
 *
 * The index is checked once, when it is made (index()): every posting names an example that exists,
 * every row of postings lies inside the arrays. A message's walk then checks only its own columns,
 * not each of its thousands of postings; it adds into scores kept with the index, zeroed after use,
 * instead of a new zeroed array per message. (The GIL is held from the first posting to the zeroing:
 * no two messages share the scores at once.)
 */
#include "_arrays.h"
#include "_nearest.h"

#include <stdint.h>
#include <stdlib.h>

enum { COLS, QUERY, OUT, N_QUERY };

static const ArraySpec INDEX_SPECS[N_INDEX] = {
    {"indptr", "i", 4, 1, 0}, {"examples", "i", 4, 1, 0}, {"weights", "f", 4, 1, 0}, {"starts", "l", 8, 1, 0},
};
static const ArraySpec QUERY_SPECS[N_QUERY] = {{"cols", "i", 4, 1, 0}, {"query", "f", 4, 1, 0}, {"out", "f", 4, 1, 1}};

static void free_index(Index *x) {
    if (!x) return;
    release_arrays(x->b, N_INDEX);
    PyMem_Free(x->score);
    PyMem_Free(x);
}

static void destroy(PyObject *capsule) { free_index(PyCapsule_GetPointer(capsule, INDEX_CAPSULE)); }

/* Every row of postings inside the arrays, every posting an example below n_examples, and the
 * intents' first examples in order, from 0 to n_examples. */
static int consistent(const Index *x) {
    const int32_t *indptr = x->b[INDEX_INDPTR].buf, *examples = x->b[INDEX_EXAMPLES].buf;
    const int64_t *starts = x->b[INDEX_STARTS].buf;
    Py_ssize_t nnz = x->b[INDEX_EXAMPLES].shape[0];
    if (x->n_features < 0 || x->b[INDEX_WEIGHTS].shape[0] != nnz || indptr[0] != 0) return 0;
    for (Py_ssize_t c = 0; c < x->n_features; c++)
        if (indptr[c] > indptr[c + 1] || indptr[c + 1] > nnz) return 0;
    for (Py_ssize_t p = 0; p < nnz; p++)
        if (examples[p] < 0 || examples[p] >= x->n_examples) return 0;
    for (Py_ssize_t i = 0; i < x->n_intents; i++)
        if (starts[i] < 0 || starts[i] > x->n_examples || (i && starts[i] < starts[i - 1])) return 0;
    return 1;
}

static PyObject *make_index(PyObject *self, PyObject *args) {
    PyObject *o[N_INDEX];
    Py_ssize_t n_examples;
    if (!PyArg_ParseTuple(args, "OOOOn", &o[INDEX_INDPTR], &o[INDEX_EXAMPLES], &o[INDEX_WEIGHTS], &o[INDEX_STARTS], &n_examples)) return NULL;
    Index *x = PyMem_Calloc(1, sizeof *x);
    if (!x) return PyErr_NoMemory();
    if (!get_arrays("index", o, x->b, INDEX_SPECS, N_INDEX)) {
        free_index(x);
        return NULL;
    }
    x->n_features = x->b[INDEX_INDPTR].shape[0] - 1;
    x->n_examples = n_examples;
    x->n_intents = x->b[INDEX_STARTS].shape[0];
    if (n_examples < 0 || !consistent(x)) {
        free_index(x);
        return PyErr_Format(PyExc_ValueError, "index: arrays of inconsistent sizes, or postings out of range");
    }
    if (!(x->score = PyMem_Calloc(n_examples ? n_examples : 1, sizeof *x->score))) {
        free_index(x);
        return PyErr_NoMemory();
    }
    PyObject *capsule = PyCapsule_New(x, INDEX_CAPSULE, destroy);
    if (!capsule) free_index(x);
    return capsule;
}

static int valid_query(const Index *x, const Py_buffer *b) {
    const int32_t *cols = b[COLS].buf;
    if (b[QUERY].shape[0] != b[COLS].shape[0] || b[OUT].shape[0] != x->n_intents) return 0;
    for (Py_ssize_t k = 0; k < b[COLS].shape[0]; k++)
        if (cols[k] < 0 || cols[k] >= x->n_features) return 0;
    return 1;
}

static PyObject *best_per_intent(PyObject *self, PyObject *args) {
    PyObject *capsule, *o[N_QUERY];
    Py_buffer b[N_QUERY] = {{0}};
    PyObject *result = NULL;
    if (!PyArg_ParseTuple(args, "OOOO", &capsule, &o[COLS], &o[QUERY], &o[OUT])) return NULL;
    Index *x = PyCapsule_GetPointer(capsule, INDEX_CAPSULE);
    if (x && get_arrays("best_per_intent", o, b, QUERY_SPECS, N_QUERY)) {
        if (!valid_query(x, b)) {
            PyErr_SetString(PyExc_ValueError, "best_per_intent: a column out of range, or arrays of inconsistent sizes");
        } else {
            best_per_intent_of(x, b[COLS].buf, b[QUERY].buf, b[COLS].shape[0], b[OUT].buf);
            result = Py_NewRef(Py_None);
        }
    }
    release_arrays(b, N_QUERY);
    return result;
}

static PyMethodDef methods[] = {
    {"index", make_index, METH_VARARGS,
     "index(indptr, examples, weights, starts, n_examples) -> capsule\n\n"
     "The examples as the columns of a CSR matrix (indptr, examples: int32; weights: float32) of\n"
     "features x examples, sorted by intent: intent i's begin at starts[i] (int64, non-decreasing,\n"
     "at most n_examples). Checked here, once; the arrays are held until the index is freed."},
    {"best_per_intent", best_per_intent, METH_VARARGS,
     "best_per_intent(index, cols, query, out)\n\n"
     "Writes into out[i] (float32, one per intent) the largest dot product of the query (cols: int32,\n"
     "query: float32) with an example of intent i. Examples that share no feature with the query\n"
     "score 0."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_nearest", NULL, -1, methods};

PyMODINIT_FUNC PyInit__nearest(void) { return PyModule_Create(&module); }
