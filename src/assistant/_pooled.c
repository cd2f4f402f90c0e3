/* A sentence vector from token vectors, for vectors.py's pooled().
 *
 * The token vectors are float16, as WordLlama ships them and as the workers share them, mapped from
 * the file. In numpy, pooling a message's rows takes a gather, a conversion to float32 (numpy
 * converts half floats in software, a fifth of a reply's vector), a sum, a max, two norms and a
 * concatenation. This loop reads each row once and converts it with the processor's F16C
 * instructions where it has them, else through a table of the 65,536 half floats (256 KB, filled
 * when the module is imported). ASSISTANT_NO_F16C, set in the environment, forces the table: the
 * tests compare both.
 */
#include "_arrays.h"

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define HAVE_F16C_PATH 1
#endif

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

enum { TABLE, OUT, N_ARRAYS };

static const ArraySpec SPECS[N_ARRAYS] = {{"table", "e", 2, 2, 0}, {"out", "f", 4, 1, 1}};

static float from_half[65536];

/* IEEE 754 half precision to single, exactly: every half float is a float. */
static float half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff, bits;
    float value;
    if (exponent == 0) {  /* zero or subnormal: mantissa * 2^-24 */
        value = (float)mantissa * 5.9604644775390625e-8f;
        memcpy(&bits, &value, 4);
        bits |= sign;
    } else if (exponent == 31) {  /* infinity or NaN */
        bits = sign | 0x7f800000u | (mantissa << 13);
    } else {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    }
    memcpy(&value, &bits, 4);
    return value;
}

/* The ids of a list of ints, each checked against the table's rows; 0 on error. */
static int read_ids(PyObject *list, Py_ssize_t rows, Py_ssize_t *ids) {
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); i++) {
        Py_ssize_t id = PyLong_AsSsize_t(PyList_GET_ITEM(list, i));
        if (id == -1 && PyErr_Occurred()) return 0;
        if (id < 0 || id >= rows) {
            PyErr_Format(PyExc_IndexError, "pool: token id %zd outside the table's %zd rows", id, rows);
            return 0;
        }
        ids[i] = id;
    }
    return 1;
}

static void normalise(float *v, Py_ssize_t n) {
    double total = 0.0;
    for (Py_ssize_t j = 0; j < n; j++) total += (double)v[j] * v[j];
    if (total > 0.0) {
        float scale = (float)(1.0 / sqrt(total));
        for (Py_ssize_t j = 0; j < n; j++) v[j] *= scale;
    }
}

/* Adds row[from:d] into total and keeps the larger of each in top (the row's own if first). */
static void add_row(const uint16_t *row, Py_ssize_t from, Py_ssize_t d, int first, float *total, float *top) {
    for (Py_ssize_t j = from; j < d; j++) {
        float v = from_half[row[j]];
        total[j] += v;
        top[j] = first || v > top[j] ? v : top[j];
    }
}

#ifdef HAVE_F16C_PATH
/* add_row eight columns at a time, converted by the processor's F16C instructions: the 256 KB table
 * does not fit the first-level cache, and a message's lookups missed it about 1,600 times
 * (callgrind). Same sums in the same order, same max (v > top, else top, NaN included): the same
 * floats. */
__attribute__((target("avx,f16c")))
static void add_row_f16c(const uint16_t *row, Py_ssize_t d, int first, float *total, float *top) {
    Py_ssize_t j = 0;
    for (; j + 8 <= d; j += 8) {
        __m256 v = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + j)));
        _mm256_storeu_ps(total + j, _mm256_add_ps(_mm256_loadu_ps(total + j), v));
        _mm256_storeu_ps(top + j, first ? v : _mm256_max_ps(v, _mm256_loadu_ps(top + j)));
    }
    add_row(row, j, d, first, total, top);
}
#endif

static int use_f16c;  /* set once, when the module is imported */

/* out[:d] = the rows' sum, out[d:] = their element-wise max, each L2-normalised; zeros if no id. */
static void pool_rows(const uint16_t *table, Py_ssize_t d, const Py_ssize_t *ids, Py_ssize_t n, float *out) {
    float *total = out, *top = out + d;
    memset(out, 0, 2 * d * sizeof *out);
    for (Py_ssize_t i = 0; i < n; i++) {
        const uint16_t *row = table + ids[i] * d;
#ifdef HAVE_F16C_PATH
        if (use_f16c) {
            add_row_f16c(row, d, i == 0, total, top);
            continue;
        }
#endif
        add_row(row, 0, d, i == 0, total, top);
    }
    normalise(total, d);
    normalise(top, d);
}

/* Pools the listed rows of b[TABLE] into b[OUT], ids on the stack unless there are many. */
static PyObject *run(PyObject *list, const Py_buffer *b) {
    Py_ssize_t stack[256], *ids = stack, n = PyList_GET_SIZE(list), width = b[TABLE].shape[1];
    if (b[OUT].shape[0] != 2 * width) {
        PyErr_SetString(PyExc_ValueError, "pool: out must be twice as wide as the table");
        return NULL;
    }
    if (n > (Py_ssize_t)(sizeof stack / sizeof *stack) && !(ids = PyMem_Malloc(n * sizeof *ids)))
        return PyErr_NoMemory();
    int ok = read_ids(list, b[TABLE].shape[0], ids);
    if (ok) pool_rows(b[TABLE].buf, width, ids, n, b[OUT].buf);
    if (ids != stack) PyMem_Free(ids);
    if (!ok) return NULL;
    Py_RETURN_NONE;
}

static PyObject *pool(PyObject *self, PyObject *args) {
    PyObject *list, *o[N_ARRAYS];
    Py_buffer b[N_ARRAYS] = {{0}};
    PyObject *result = NULL;
    if (!PyArg_ParseTuple(args, "O!OO", &PyList_Type, &list, &o[TABLE], &o[OUT])) return NULL;
    if (get_arrays("pool", o, b, SPECS, N_ARRAYS)) result = run(list, b);
    release_arrays(b, N_ARRAYS);
    return result;
}

static PyMethodDef methods[] = {
    {"pool", pool, METH_VARARGS,
     "pool(ids, table, out)\n\n"
     "Writes into out (float32, twice the table's width) the sum of the table's rows listed in ids (a\n"
     "list of ints), then their element-wise max, each L2-normalised; zeros if ids is empty. The\n"
     "table is a C-contiguous 2-D float16 array."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_pooled", NULL, -1, methods};

PyMODINIT_FUNC PyInit__pooled(void) {
    for (uint32_t h = 0; h < 65536; h++) from_half[h] = half_to_float((uint16_t)h);
#ifdef HAVE_F16C_PATH
    use_f16c = __builtin_cpu_supports("avx") && __builtin_cpu_supports("f16c") && !getenv("ASSISTANT_NO_F16C");
#endif
    return PyModule_Create(&module);
}
