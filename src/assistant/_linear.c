/* The linear classifier's probabilities, and the ranking that blends them with similarity, for
 * Python (the tests; matching.py runs them through _match.c).
 *
 * A message's scores are a sum of weight rows: one 16-bit row per sparse feature it has (two blocks,
 * its tokens' and its surface's, the second's columns offset), then the dense rows times its sentence
 * vector, then a softmax. In numpy that was two concatenations, a gather of the rows, a conversion to
 * float, two products, the softmax's five calls and their temporary arrays: about 40 microseconds a
 * message, most of it calls and copies around a few thousand multiplications. Here it is one pass
 * over the rows (about 23 microseconds, most of them reading rows of the 10 MB table): _linear.h.
 *
 * The blend and the choice of the best few classes took another dozen numpy calls (powers, a sort,
 * four gathers and conversions to lists): about 30 microseconds for a few dozen numbers.
 */
#include "_arrays.h"
#include "_linear.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

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
    Linear m = {b[COEF].buf, b[SCALE].buf, b[DENSE_COEF].buf, b[INTERCEPT].buf, k, offset, temperature};
    Block first = {b[COLS].buf, b[WEIGHTS].buf, b[COLS].shape[0]}, second = {b[COLS2].buf, b[WEIGHTS2].buf, b[COLS2].shape[0]};
    probabilities_of(&m, first, second, b[DENSE].buf, b[DENSE].shape[0], b[OUT].buf, dense);
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

enum { PROB, SIM, N_RANKED };

static const ArraySpec RANKED_SPECS[N_RANKED] = {{"prob", "f", 4, 1, 0}, {"sim", "f", 4, 1, 0}};

static PyObject *ranked_of(const Py_buffer *b, double blend, Py_ssize_t top) {
    Py_ssize_t k = b[PROB].shape[0];
    if (b[SIM].shape[0] != k || top < 0) {
        PyErr_SetString(PyExc_ValueError, "ranked: prob and sim of different sizes, or a negative top");
        return NULL;
    }
    float *confidence = PyMem_Malloc((k ? k : 1) * (sizeof *confidence + 1));
    if (!confidence) return PyErr_NoMemory();
    PyObject *list = top_of(b[PROB].buf, b[SIM].buf, k, blend, top < k ? top : k, confidence, (char *)(confidence + k));
    PyMem_Free(confidence);
    return list;
}

static PyObject *ranked(PyObject *self, PyObject *args) {
    PyObject *o[N_RANKED];
    Py_buffer b[N_RANKED] = {{0}};
    double blend;
    Py_ssize_t top;
    PyObject *result = NULL;
    if (!PyArg_ParseTuple(args, "OOdn", &o[PROB], &o[SIM], &blend, &top)) return NULL;
    if (get_arrays("ranked", o, b, RANKED_SPECS, N_RANKED)) result = ranked_of(b, blend, top);
    release_arrays(b, N_RANKED);
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
    {"ranked", ranked, METH_VARARGS,
     "ranked(prob, sim, blend, top) -> [(class, confidence, probability, similarity), ...]\n\n"
     "The top classes by confidence = prob ** (1 - blend) * sim ** blend (prob, sim: float32, one\n"
     "per class), highest first; equal confidences in the classes' order, NaN last."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_linear", NULL, -1, methods};

PyMODINIT_FUNC PyInit__linear(void) { return PyModule_Create(&module); }
