/* A linear classifier's softmax over a message's features, and the ranking that blends it with
 * similarity. _linear.c gives them to Python; _match.c runs them inside its one call a message.
 * Each class's score is summed in the rows' order, whether or not the compiler vectorises the loop
 * across classes, so the result does not depend on the build.
 */
#ifndef ASSISTANT_LINEAR_H
#define ASSISTANT_LINEAR_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* Eight classes at a time where the processor has AVX2 (chosen when the module loads), four
 * elsewhere. Never a fused multiply-add (no FMA target here, -ffp-contract=off in pyproject.toml):
 * it rounds once where the other builds round twice. */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CLONES
#endif

/* acc[:k] += w * coef[row, :k] for each listed row. */
CLONES static void add_sparse(const int16_t *coef, Py_ssize_t k, const int32_t *cols, const float *weights,
                              Py_ssize_t n, Py_ssize_t offset, float *acc) {
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

/* A linear classifier's weights: coef is features x classes, 16-bit, each class's column scaled by
 * scale; dense_coef is the sentence vector's rows. */
typedef struct {
    const int16_t *coef;
    const float *scale, *dense_coef, *intercept;
    Py_ssize_t classes, offset;  /* offset: where the second block's rows start in coef */
    double temperature;
} Linear;

/* One block of a message's sparse features: columns and their weights. */
typedef struct {
    const int32_t *cols;
    const float *weights;
    Py_ssize_t n;
} Block;

/* out = softmax(temperature * (sparse * scale + dense + intercept)), the sparse scores from the
 * rows of a's columns and of b's plus offset; scratch holds a row of classes. */
static void probabilities_of(const Linear *m, Block a, Block b, const float *dense, Py_ssize_t d, float *out,
                             float *scratch) {
    Py_ssize_t k = m->classes;
    memset(out, 0, k * sizeof *out);
    memset(scratch, 0, k * sizeof *scratch);
    add_sparse(m->coef, k, a.cols, a.weights, a.n, 0, out);
    add_sparse(m->coef, k, b.cols, b.weights, b.n, m->offset, out);
    add_dense(m->dense_coef, k, dense, d, scratch);
    float top = -INFINITY;
    for (Py_ssize_t j = 0; j < k; j++) {
        out[j] = (out[j] * m->scale[j] + scratch[j] + m->intercept[j]) * (float)m->temperature;
        if (out[j] > top) top = out[j];
    }
    double total = 0.0;
    for (Py_ssize_t j = 0; j < k; j++) total += (out[j] = expf(out[j] - top));
    for (Py_ssize_t j = 0; j < k; j++) out[j] = (float)(out[j] / total);
}

/* The class before which no other comes: the higher confidence, a number before NaN, then the lower
 * index (so that ties rank as the classes are listed). */
static Py_ssize_t next_best(const float *confidence, const char *taken, Py_ssize_t k) {
    Py_ssize_t best = -1;
    for (Py_ssize_t j = 0; j < k; j++) {
        if (taken[j]) continue;
        if (best < 0 || confidence[j] > confidence[best] || (isnan(confidence[best]) && !isnan(confidence[j])))
            best = j;
    }
    return best;
}

/* [(class, confidence, probability, similarity)] of the top classes, confidence first. */
static PyObject *top_of(const float *prob, const float *sim, Py_ssize_t k, double blend, Py_ssize_t top,
                        float *confidence, char *taken) {
    for (Py_ssize_t j = 0; j < k; j++) {
        confidence[j] = powf(prob[j], (float)(1.0 - blend)) * powf(sim[j], (float)blend);
        taken[j] = 0;
    }
    PyObject *list = PyList_New(top);
    for (Py_ssize_t i = 0; list && i < top; i++) {
        Py_ssize_t j = next_best(confidence, taken, k);
        taken[j] = 1;
        PyObject *row = Py_BuildValue("(nddd)", j, (double)confidence[j], (double)prob[j], (double)sim[j]);
        if (!row) Py_CLEAR(list);
        else PyList_SET_ITEM(list, i, row);
    }
    return list;
}

#endif
