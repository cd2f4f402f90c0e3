/* The linear classifier's probabilities, for matching.py's Matcher.probabilities().
 *
 * A message's scores are a sum of weight rows: one 16-bit row per sparse feature it has (two blocks,
 * its tokens' and its surface's, the second's columns offset), then the dense rows times its sentence
 * vector, then a softmax. In numpy that was two concatenations, a gather of the rows, a conversion to
 * float, two products, the softmax's five calls and their temporary arrays: about 90 microseconds a
 * message, most of it calls and copies around a few thousand multiplications. Here it is one pass
 * over the rows. Each intent's score is summed in the rows' order, whether or not the compiler
 * vectorises the loop across intents, so the result does not depend on the build.
 */
#include "_arrays.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* Eight classes at a time where the processor has AVX2 (chosen when the module loads), four
 * elsewhere. Not FMA: a fused multiply-add rounds once where the other builds round twice. */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CLONES
#endif

enum { COEF, SCALE, COLS, WEIGHTS, COLS2, WEIGHTS2, DENSE_COEF, DENSE, INTERCEPT, OUT, N_ARRAYS };

static const ArraySpec SPECS[N_ARRAYS] = {
    {"coef", "h", 2, 2, 0},       {"scale", "f", 4, 1, 0},      {"cols", "i", 4, 1, 0},
    {"weights", "f", 4, 1, 0},    {"cols2", "i", 4, 1, 0},      {"weights2", "f", 4, 1, 0},
    {"dense_coef", "f", 4, 2, 0}, {"dense", "f", 4, 1, 0},      {"intercept", "f", 4, 1, 0},
    {"out", "f", 4, 1, 1},
};

/* Every size agrees, and every column (the second block's after its offset) names a row of coef. */
static int consistent(const Py_buffer *b, Py_ssize_t offset) {
    Py_ssize_t rows = b[COEF].shape[0], k = b[COEF].shape[1];
    if (b[SCALE].shape[0] != k || b[DENSE_COEF].shape[1] != k || b[INTERCEPT].shape[0] != k || b[OUT].shape[0] != k
        || b[WEIGHTS].shape[0] != b[COLS].shape[0] || b[WEIGHTS2].shape[0] != b[COLS2].shape[0]
        || b[DENSE].shape[0] != b[DENSE_COEF].shape[0] || offset < 0)
        return 0;
    const int32_t *cols = b[COLS].buf, *cols2 = b[COLS2].buf;
    for (Py_ssize_t i = 0; i < b[COLS].shape[0]; i++)
        if (cols[i] < 0 || cols[i] >= rows) return 0;
    for (Py_ssize_t i = 0; i < b[COLS2].shape[0]; i++)
        if (cols2[i] < 0 || cols2[i] + offset >= rows) return 0;
    return 1;
}

/* acc[:k] += w * coef[row, :k] for each listed row. */
CLONES static void add_sparse(const int16_t *coef, Py_ssize_t k, const int32_t *cols, const float *weights, Py_ssize_t n,
                       Py_ssize_t offset, float *acc) {
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

/* out = softmax(temperature * (sparse * scale + dense + intercept)); dense is k floats of scratch. */
static void probabilities_of(const Py_buffer *b, Py_ssize_t offset, double temperature, float *dense) {
    Py_ssize_t k = b[COEF].shape[1];
    const float *scale = b[SCALE].buf, *intercept = b[INTERCEPT].buf;
    float *out = b[OUT].buf;
    memset(out, 0, k * sizeof *out);
    memset(dense, 0, k * sizeof *dense);
    add_sparse(b[COEF].buf, k, b[COLS].buf, b[WEIGHTS].buf, b[COLS].shape[0], 0, out);
    add_sparse(b[COEF].buf, k, b[COLS2].buf, b[WEIGHTS2].buf, b[COLS2].shape[0], offset, out);
    add_dense(b[DENSE_COEF].buf, k, b[DENSE].buf, b[DENSE].shape[0], dense);
    float top = -INFINITY;
    for (Py_ssize_t j = 0; j < k; j++) {
        out[j] = (out[j] * scale[j] + dense[j] + intercept[j]) * (float)temperature;
        if (out[j] > top) top = out[j];
    }
    double total = 0.0;
    for (Py_ssize_t j = 0; j < k; j++) total += (out[j] = expf(out[j] - top));
    for (Py_ssize_t j = 0; j < k; j++) out[j] = (float)(out[j] / total);
}

/* The scratch row on the stack unless there are many classes. */
static PyObject *run(const Py_buffer *b, Py_ssize_t offset, double temperature) {
    float stack[1024], *dense = stack;
    Py_ssize_t k = b[COEF].shape[1];
    if (!consistent(b, offset)) {
        PyErr_SetString(PyExc_ValueError, "probabilities: arrays of inconsistent sizes, or a column out of range");
        return NULL;
    }
    if (k > (Py_ssize_t)(sizeof stack / sizeof *stack) && !(dense = PyMem_Malloc(k * sizeof *dense)))
        return PyErr_NoMemory();
    probabilities_of(b, offset, temperature, dense);
    if (dense != stack) PyMem_Free(dense);
    Py_RETURN_NONE;
}

static PyObject *probabilities(PyObject *self, PyObject *args) {
    PyObject *o[N_ARRAYS];
    Py_buffer b[N_ARRAYS] = {{0}};
    Py_ssize_t offset;
    double temperature;
    PyObject *result = NULL;
    if (!PyArg_ParseTuple(args, "OOOOOOnOOOdO", &o[COEF], &o[SCALE], &o[COLS], &o[WEIGHTS], &o[COLS2], &o[WEIGHTS2],
                          &offset, &o[DENSE_COEF], &o[DENSE], &o[INTERCEPT], &temperature, &o[OUT]))
        return NULL;
    if (get_arrays("probabilities", o, b, SPECS, N_ARRAYS)) result = run(b, offset, temperature);
    release_arrays(b, N_ARRAYS);
    return result;
}

static PyMethodDef methods[] = {
    {"probabilities", probabilities, METH_VARARGS,
     "probabilities(coef, scale, cols, weights, cols2, weights2, offset, dense_coef, dense, intercept,\n"
     "              temperature, out)\n\n"
     "Writes into out (float32, one per class) the softmax of temperature * scores, where scores =\n"
     "scale * (the rows cols of coef, times weights, plus the rows cols2 + offset, times weights2)\n"
     "+ dense @ dense_coef + intercept. coef is a 2-D int16 array (features x classes); cols, cols2\n"
     "are int32; scale, weights, weights2, dense, intercept are float32; dense_coef is a 2-D float32\n"
     "array (len(dense) x classes)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_linear", NULL, -1, methods};

PyMODINIT_FUNC PyInit__linear(void) { return PyModule_Create(&module); }
