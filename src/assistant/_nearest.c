/* The nearest training example of each intent, for matching.py's similarities().
 *
 * A message touches about nine thousand postings of the examples' sparse index (over twenty thousand
 * on CLINC150). In numpy that is a gather, a repeat, a weighted bincount and a reduceat: about 700
 * thousand instructions a message, most of them spent making and walking temporary arrays. This loop
 * walks the postings once, for about a quarter of that (callgrind), and checks every index it
 * follows.
 */
#include "_arrays.h"

#include <stdint.h>
#include <stdlib.h>

enum { INDPTR, EXAMPLES, WEIGHTS, COLS, QUERY, STARTS, OUT, N_ARRAYS };

static const ArraySpec SPECS[N_ARRAYS] = {
    {"indptr", "i", 4, 1, 0}, {"examples", "i", 4, 1, 0}, {"weights", "f", 4, 1, 0}, {"cols", "i", 4, 1, 0},
    {"query", "f", 4, 1, 0}, {"starts", "l", 8, 1, 0}, {"out", "f", 4, 1, 1},
};

/* Every size agrees, and every column's postings lie inside the postings arrays. */
static int consistent(const Py_buffer *b, Py_ssize_t n_examples) {
    const int32_t *indptr = b[INDPTR].buf, *cols = b[COLS].buf;
    Py_ssize_t n_features = b[INDPTR].shape[0] - 1, nnz = b[EXAMPLES].shape[0];
    if (n_features < 0 || n_examples < 0 || b[WEIGHTS].shape[0] != nnz || b[QUERY].shape[0] != b[COLS].shape[0]
        || b[OUT].shape[0] != b[STARTS].shape[0])
        return 0;
    for (Py_ssize_t k = 0; k < b[COLS].shape[0]; k++) {
        int32_t c = cols[k];
        if (c < 0 || c >= n_features || indptr[c] < 0 || indptr[c] > indptr[c + 1] || indptr[c + 1] > nnz)
            return 0;
    }
    return 1;
}

/* score[e] += query . example e, over the query's columns; 0 if an example number is out of range.
 * In single precision, as the weights are: the scores agree with double sums to about 1e-7, and
 * the loop and the scores' zeroing cost a fifth less. */
static int accumulate(const Py_buffer *b, Py_ssize_t n_examples, float *score) {
    const int32_t *indptr = b[INDPTR].buf, *examples = b[EXAMPLES].buf, *cols = b[COLS].buf;
    const float *weights = b[WEIGHTS].buf, *query = b[QUERY].buf;
    for (Py_ssize_t k = 0; k < b[COLS].shape[0]; k++) {
        float w = query[k];
        for (int32_t p = indptr[cols[k]]; p < indptr[cols[k] + 1]; p++) {
            uint32_t e = (uint32_t)examples[p];
            if (e >= (uint64_t)n_examples) return 0;
            score[e] += w * weights[p];
        }
    }
    return 1;
}

/* out[i] = the best score among intent i's examples, [starts[i], starts[i + 1]); 0 if none. */
static void best_of_each(const Py_buffer *b, const float *score, Py_ssize_t n_examples) {
    const int64_t *starts = b[STARTS].buf;
    float *out = b[OUT].buf;
    Py_ssize_t n_intents = b[OUT].shape[0];
    for (Py_ssize_t i = 0; i < n_intents; i++) {
        Py_ssize_t begin = starts[i], end = i + 1 < n_intents ? starts[i + 1] : n_examples;
        float best = 0.0f;
        for (Py_ssize_t e = begin < 0 ? 0 : begin; e < end && e < n_examples; e++)
            if (score[e] > best) best = score[e];
        out[i] = best;
    }
}

static PyObject *run(const Py_buffer *b, Py_ssize_t n_examples) {
    if (!consistent(b, n_examples)) {
        PyErr_SetString(PyExc_ValueError, "best_per_intent: arrays of inconsistent sizes");
        return NULL;
    }
    float *score = calloc(n_examples ? n_examples : 1, sizeof *score);
    if (!score) return PyErr_NoMemory();
    int ok = accumulate(b, n_examples, score);
    if (ok) best_of_each(b, score, n_examples);
    free(score);
    if (!ok) {
        PyErr_SetString(PyExc_ValueError, "best_per_intent: an example number is out of range");
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *best_per_intent(PyObject *self, PyObject *args) {
    PyObject *o[N_ARRAYS];
    Py_buffer b[N_ARRAYS] = {{0}};
    Py_ssize_t n_examples;
    PyObject *result = NULL;
    if (!PyArg_ParseTuple(args, "OOOOOOnO", &o[INDPTR], &o[EXAMPLES], &o[WEIGHTS], &o[COLS], &o[QUERY],
                          &o[STARTS], &n_examples, &o[OUT]))
        return NULL;
    if (get_arrays("best_per_intent", o, b, SPECS, N_ARRAYS)) result = run(b, n_examples);
    release_arrays(b, N_ARRAYS);
    return result;
}

static PyMethodDef methods[] = {
    {"best_per_intent", best_per_intent, METH_VARARGS,
     "best_per_intent(indptr, examples, weights, cols, query, starts, n_examples, out)\n\n"
     "Writes into out[i] the largest dot product of the query (cols, query: int32, float32) with an\n"
     "example of intent i, the examples being the columns of a CSR matrix (indptr, examples: int32;\n"
     "weights: float32) of features x examples, sorted by intent; intent i's begin at starts[i]\n"
     "(int64). out is float32. Examples that share no feature with the query score 0."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_nearest", NULL, -1, methods};

PyMODINIT_FUNC PyInit__nearest(void) { return PyModule_Create(&module); }
