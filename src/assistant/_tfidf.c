/* TF-IDF weights of one message's features, for features.py and surface.py.
 *
 * A message's features arrive as columns with counts, a column repeated when two words share an
 * n-gram. Summing them, weighting each by (1 + log tf) * idf and normalising took a dozen numpy
 * calls per block (a sort, fancy indexing, reduceat, log, dot...), each costing more than its few
 * hundred items; a reply does it for three blocks, and again for each clause of a long message.
 */
#include "_arrays.h"
#include "_tfidf.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

enum { COLS, COUNTS, IDF, OUT_COLS, OUT_WEIGHTS, N_ARRAYS };

static const ArraySpec SPECS[N_ARRAYS] = {
    {"cols", "i", 4, 1, 0}, {"counts", "f", 4, 1, 0}, {"idf", "f", 4, 1, 0}, {"out_cols", "i", 4, 1, 1},
    {"out_weights", "f", 4, 1, 1},
};

/* Fills out_cols and out_weights; returns (where the second block starts, how many, squared norms). */
static PyObject *run(const Py_buffer *b, Py_ssize_t split) {
    const int32_t *cols = b[COLS].buf;
    const float *counts = b[COUNTS].buf, *idf = b[IDF].buf;
    Py_ssize_t n = b[COLS].shape[0], features = b[IDF].shape[0];
    if (b[COUNTS].shape[0] != n || b[OUT_COLS].shape[0] < n || b[OUT_WEIGHTS].shape[0] < n || split < 0 || split > n) {
        PyErr_SetString(PyExc_ValueError, "tfidf: arrays of inconsistent sizes");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (cols[i] < 0 || cols[i] >= features || !(counts[i] > 0.0f)) {
            PyErr_Format(PyExc_ValueError, "tfidf: column %d outside the idf table or count not positive", cols[i]);
            return NULL;
        }
    Feature *f = PyMem_Malloc((n ? 2 * n : 1) * sizeof *f);  /* the features, then the sort's room */
    if (!f) return PyErr_NoMemory();
    as_features(f, cols, counts, n);
    int32_t *out_cols = b[OUT_COLS].buf;
    float *out_weights = b[OUT_WEIGHTS].buf;
    double first, second;
    Py_ssize_t k = weigh_normalised(f, f + n, split, idf, out_cols, out_weights, &first);
    Py_ssize_t m = weigh_normalised(f + split, f + n, n - split, idf, out_cols + k, out_weights + k, &second);
    PyMem_Free(f);
    return Py_BuildValue("nn(dd)", k, k + m, first, second);
}

static PyObject *tfidf(PyObject *self, PyObject *args) {
    PyObject *o[N_ARRAYS];
    Py_buffer b[N_ARRAYS] = {{0}};
    Py_ssize_t split;
    PyObject *result = NULL;
    if (!PyArg_ParseTuple(args, "OOOnOO", &o[COLS], &o[COUNTS], &o[IDF], &split, &o[OUT_COLS], &o[OUT_WEIGHTS]))
        return NULL;
    if (get_arrays("tfidf", o, b, SPECS, N_ARRAYS)) result = run(b, split);
    release_arrays(b, N_ARRAYS);
    return result;
}

static PyMethodDef methods[] = {
    {"tfidf", tfidf, METH_VARARGS,
     "tfidf(cols, counts, idf, split, out_cols, out_weights) -> (k, n, (square1, square2))\n\n"
     "cols[:split] and cols[split:] (int32) are two blocks of feature columns with their counts\n"
     "(float32, positive), a column possibly repeated. Each block is summed by column, weighted\n"
     "(1 + log tf) * idf[col] and L2-normalised, then written, sorted by column, to out_cols (int32)\n"
     "and out_weights (float32), the first block in [0, k), the second in [k, n). square1 and\n"
     "square2 are each block's squared norm before normalising."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_tfidf", NULL, -1, methods};

PyMODINIT_FUNC PyInit__tfidf(void) { return PyModule_Create(&module); }
