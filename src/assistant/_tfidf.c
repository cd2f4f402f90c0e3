/* TF-IDF weights of one message's features, for features.py and surface.py.
 *
 * A message's features arrive as columns with counts, a column repeated when two words share an
 * n-gram. Summing them, weighting each by (1 + log tf) * idf and normalising took a dozen numpy
 * calls per block (a sort, fancy indexing, reduceat, log, dot...), each costing more than its few
 * hundred items; a reply does it for three blocks, and again for each clause of a long message.
 */
#include "_arrays.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

enum { COLS, COUNTS, IDF, OUT_COLS, OUT_WEIGHTS, N_ARRAYS };

static const ArraySpec SPECS[N_ARRAYS] = {
    {"cols", "i", 4, 1, 0}, {"counts", "f", 4, 1, 0}, {"idf", "f", 4, 1, 0}, {"out_cols", "i", 4, 1, 1},
    {"out_weights", "f", 4, 1, 1},
};

typedef struct {
    int32_t col;
    float count;
} Feature;

/* Sorts a short block by column: a Shell sort (Ciura's gaps), its comparison inlined, where qsort
 * made a call through a pointer for each comparison. Equal columns may come in any order: their
 * counts, whole numbers and halves, add up exactly in any order. */
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

/* Sorts by column, with tmp as room for n more: a least-significant-digit radix sort, a byte of
 * the column at a time, for as many bytes as the largest column has (two for the vocabularies of a
 * tenant). On a message's two hundred-odd character n-grams it costs a fifth of the Shell sort's
 * comparisons; below SHORT features the Shell sort is cheaper than clearing the byte counts. */
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

/* One block: its features sorted and merged into out, weighted; returns how many, and the sum of
 * the squared weights in *square. Columns were checked against the idf table beforehand. */
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
    return kept;
}

static void scale(float *weights, Py_ssize_t n, double square) {
    if (square <= 0.0) return;
    float factor = (float)(1.0 / sqrt(square));
    for (Py_ssize_t i = 0; i < n; i++) weights[i] *= factor;
}

/* Fills out_cols and out_weights; returns (where the second block starts, how many, squared norms). */
static PyObject *run(const Py_buffer *b, Py_ssize_t split) {
    const int32_t *cols = b[COLS].buf;
    const float *counts = b[COUNTS].buf, *idf = b[IDF].buf;
    Py_ssize_t n = b[COLS].shape[0], features = b[IDF].shape[0];
    if (b[COUNTS].shape[0] != n || b[OUT_COLS].shape[0] < n || b[OUT_WEIGHTS].shape[0] < n || split < 0 || split > n) {
        PyErr_SetString(PyExc_ValueError, "tfidf: arrays of inconsistent sizes");
        return NULL;
    }
    Feature *f = PyMem_Malloc((n ? 2 * n : 1) * sizeof *f);  /* the features, then the sort's room */
    if (!f) return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < n; i++) {
        if (cols[i] < 0 || cols[i] >= features || !(counts[i] > 0.0f)) {
            PyMem_Free(f);
            PyErr_Format(PyExc_ValueError, "tfidf: column %d outside the idf table or count not positive", cols[i]);
            return NULL;
        }
        f[i] = (Feature){cols[i], counts[i]};
    }
    int32_t *out_cols = b[OUT_COLS].buf;
    float *out_weights = b[OUT_WEIGHTS].buf;
    double first, second;
    Py_ssize_t k = weigh(f, f + n, split, idf, out_cols, out_weights, &first);
    Py_ssize_t m = weigh(f + split, f + n, n - split, idf, out_cols + k, out_weights + k, &second);
    scale(out_weights, k, first);
    scale(out_weights + k, m, second);
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
