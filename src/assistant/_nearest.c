/* The nearest training example of each intent, for matching.py's similarities().
 *
 * A message touches about nine thousand postings of the examples' sparse index (over twenty thousand
 * on CLINC150). In numpy that is a gather, a repeat, a weighted bincount and a reduceat: about 700
 * thousand instructions a message, most of them spent making and walking temporary arrays. This loop
 * walks the postings once, for about a quarter of that (callgrind). It takes numpy arrays through the buffer
 * protocol (so it needs no numpy headers to build), and checks their dtypes and sizes.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    Py_buffer indptr, examples, weights, cols, query, starts, out;
} Args;

static void release(Args *a) {
    Py_buffer *all[] = {&a->indptr, &a->examples, &a->weights, &a->cols, &a->query, &a->starts, &a->out};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        if (all[i]->obj) PyBuffer_Release(all[i]);
}

/* A C-contiguous buffer of obj whose items have one of the struct formats given ("i" int32, "f" float32,
 * "lq" int64), as numpy arrays of those dtypes are. */
static int get(PyObject *obj, Py_buffer *b, const char *name, const char *formats, Py_ssize_t itemsize, int flags) {
    if (PyObject_GetBuffer(obj, b, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | flags) < 0) return 0;
    const char *f = b->format ? b->format : "B";
    if (*f == '<' || *f == '=' || *f == '@') f++;
    if (b->itemsize == itemsize && f[0] && !f[1] && strchr(formats, f[0])) return 1;
    PyErr_Format(PyExc_TypeError, "best_per_intent: %s must be an array of %zd-byte '%s' items, not '%s'",
                 name, itemsize, formats, b->format ? b->format : "B");
    return 0;
}

/* Checks that every column's postings lie inside the postings arrays. */
static int in_bounds(const Args *a, Py_ssize_t n_features, Py_ssize_t n_cols) {
    const int32_t *indptr = a->indptr.buf, *cols = a->cols.buf;
    Py_ssize_t nnz = a->examples.len / 4;
    for (Py_ssize_t k = 0; k < n_cols; k++) {
        int32_t c = cols[k];
        if (c < 0 || c >= n_features || indptr[c] < 0 || indptr[c] > indptr[c + 1] || indptr[c + 1] > nnz)
            return 0;
    }
    return 1;
}

/* score[e] += query . example e, over the query's columns; 0 if an example number is out of range. */
static int accumulate(const Args *a, Py_ssize_t n_cols, Py_ssize_t n_examples, double *score) {
    const int32_t *indptr = a->indptr.buf, *examples = a->examples.buf, *cols = a->cols.buf;
    const float *weights = a->weights.buf, *query = a->query.buf;
    for (Py_ssize_t k = 0; k < n_cols; k++) {
        double w = query[k];
        for (int32_t p = indptr[cols[k]]; p < indptr[cols[k] + 1]; p++) {
            uint32_t e = (uint32_t)examples[p];
            if (e >= (uint64_t)n_examples) return 0;
            score[e] += w * weights[p];
        }
    }
    return 1;
}

static PyObject *best_per_intent(PyObject *self, PyObject *args) {
    Args a = {0};
    PyObject *o[7];
    Py_ssize_t n_examples;
    if (!PyArg_ParseTuple(args, "OOOOOOnO", &o[0], &o[1], &o[2], &o[3], &o[4], &o[5], &n_examples, &o[6]))
        return NULL;
    if (!get(o[0], &a.indptr, "indptr", "i", 4, 0) || !get(o[1], &a.examples, "examples", "i", 4, 0)
        || !get(o[2], &a.weights, "weights", "f", 4, 0) || !get(o[3], &a.cols, "cols", "i", 4, 0)
        || !get(o[4], &a.query, "query", "f", 4, 0) || !get(o[5], &a.starts, "starts", "lq", 8, 0)
        || !get(o[6], &a.out, "out", "f", 4, PyBUF_WRITABLE))
        goto fail;
    Py_ssize_t n_features = a.indptr.len / 4 - 1, n_cols = a.cols.len / 4, n_intents = a.starts.len / 8;
    if (a.examples.len != a.weights.len || a.query.len != a.cols.len || a.out.len / 4 != n_intents
        || n_features < 0 || n_examples < 0 || !in_bounds(&a, n_features, n_cols)) {
        PyErr_SetString(PyExc_ValueError, "best_per_intent: arrays of inconsistent sizes");
        goto fail;
    }
    const int64_t *starts = a.starts.buf;
    float *out = a.out.buf;
    double *score = calloc(n_examples ? n_examples : 1, sizeof *score);
    if (!score) { PyErr_NoMemory(); goto fail; }
    if (!accumulate(&a, n_cols, n_examples, score)) {
        free(score);
        PyErr_SetString(PyExc_ValueError, "best_per_intent: an example number is out of range");
        goto fail;
    }
    for (Py_ssize_t i = 0; i < n_intents; i++) {
        Py_ssize_t begin = starts[i], end = i + 1 < n_intents ? starts[i + 1] : n_examples;
        double best = 0.0;
        for (Py_ssize_t e = begin < 0 ? 0 : begin; e < end && e < n_examples; e++)
            if (score[e] > best) best = score[e];
        out[i] = (float)best;
    }
    free(score);
    release(&a);
    Py_RETURN_NONE;
fail:
    release(&a);
    return NULL;
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
