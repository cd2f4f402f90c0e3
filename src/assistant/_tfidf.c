/* TF-IDF weights of one message's features, for features.py and surface.py.
 *
 * A message's features arrive as columns with counts, a column repeated when two words share an
 * n-gram. Summing them, weighting each by (1 + log tf) * idf and normalising took a dozen numpy
 * calls per block (a sort, fancy indexing, reduceat, log, dot...), each costing more than its few
 * hundred items; a reply does it for three blocks, and again for each clause of a long message.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int32_t col;
    float count;
} Feature;

static int by_column(const void *a, const void *b) {
    int32_t x = ((const Feature *)a)->col, y = ((const Feature *)b)->col;
    return (x > y) - (x < y);
}

/* One block: its features sorted and merged into out, weighted; returns how many, and the sum of
 * the squared weights in *square. Columns were checked against the idf table beforehand. */
static Py_ssize_t weigh(Feature *f, Py_ssize_t n, const float *idf, int32_t *cols, float *weights, double *square) {
    Py_ssize_t kept = 0;
    qsort(f, n, sizeof *f, by_column);
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
    return kept;
}

static void scale(float *weights, Py_ssize_t n, double square) {
    if (square <= 0.0) return;
    float factor = (float)(1.0 / sqrt(square));
    for (Py_ssize_t i = 0; i < n; i++) weights[i] *= factor;
}

static int get(PyObject *obj, Py_buffer *b, const char *format, int flags) {
    if (PyObject_GetBuffer(obj, b, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | flags) < 0) return 0;
    if (b->ndim == 1 && strcmp(b->format, format) == 0) return 1;
    PyErr_Format(PyExc_TypeError, "tfidf: 1-D arrays of '%s' items expected, not '%s'", format, b->format);
    return 0;
}

/* Fills out_cols and out_weights; returns (where the second block starts, how many, squared norms). */
static PyObject *run(Py_buffer *b, Py_ssize_t split) {
    const int32_t *cols = b[0].buf;
    const float *counts = b[1].buf, *idf = b[2].buf;
    Py_ssize_t n = b[0].shape[0], features = b[2].shape[0];
    if (b[1].shape[0] != n || b[3].shape[0] < n || b[4].shape[0] < n || split < 0 || split > n) {
        PyErr_SetString(PyExc_ValueError, "tfidf: arrays of inconsistent sizes");
        return NULL;
    }
    Feature *f = PyMem_Malloc((n ? n : 1) * sizeof *f);
    if (!f) return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < n; i++) {
        if (cols[i] < 0 || cols[i] >= features || !(counts[i] > 0.0f)) {
            PyMem_Free(f);
            PyErr_Format(PyExc_ValueError, "tfidf: column %d outside the idf table or count not positive", cols[i]);
            return NULL;
        }
        f[i] = (Feature){cols[i], counts[i]};
    }
    int32_t *out_cols = b[3].buf;
    float *out_weights = b[4].buf;
    double first, second;
    Py_ssize_t k = weigh(f, split, idf, out_cols, out_weights, &first);
    Py_ssize_t m = weigh(f + split, n - split, idf, out_cols + k, out_weights + k, &second);
    scale(out_weights, k, first);
    scale(out_weights + k, m, second);
    PyMem_Free(f);
    return Py_BuildValue("nn(dd)", k, k + m, first, second);
}

static PyObject *tfidf(PyObject *self, PyObject *args) {
    PyObject *o[5];
    Py_ssize_t split;
    Py_buffer b[5] = {{0}};
    PyObject *result = NULL;
    if (!PyArg_ParseTuple(args, "OOOnOO", &o[0], &o[1], &o[2], &split, &o[3], &o[4])) return NULL;
    const char *formats[5] = {"i", "f", "f", "i", "f"};
    int ok = 1;
    for (int i = 0; i < 5 && ok; i++) ok = get(o[i], &b[i], formats[i], i >= 3 ? PyBUF_WRITABLE : 0);
    if (ok) result = run(b, split);
    for (int i = 0; i < 5; i++)
        if (b[i].obj) PyBuffer_Release(&b[i]);
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
