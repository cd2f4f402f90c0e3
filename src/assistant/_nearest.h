/* The nearest training example of each intent: the examples' index, and the walk of a message's
 * postings. _nearest.c builds the index and gives the walk to Python; _match.c runs it inside its
 * one call a message.
 */
#ifndef ASSISTANT_NEAREST_H
#define ASSISTANT_NEAREST_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

#define INDEX_CAPSULE "assistant._nearest.Index"

enum { INDEX_INDPTR, INDEX_EXAMPLES, INDEX_WEIGHTS, INDEX_STARTS, N_INDEX };

typedef struct {
    Py_buffer b[N_INDEX];  /* held for the index's life: the arrays cannot go away under it */
    Py_ssize_t n_features, n_examples, n_intents;
    float *score;          /* n_examples zeros between calls */
} Index;

/* score[e] += query . example e, over the query's columns (checked by the caller). In single
 * precision, as the weights are: the scores agree with double sums to about 1e-7. */
static void accumulate(const Index *x, const int32_t *cols, const float *query, Py_ssize_t n) {
    const int32_t *indptr = x->b[INDEX_INDPTR].buf, *examples = x->b[INDEX_EXAMPLES].buf;
    const float *weights = x->b[INDEX_WEIGHTS].buf;
    float *score = x->score;
    for (Py_ssize_t k = 0; k < n; k++) {
        float w = query[k];
        for (int32_t p = indptr[cols[k]], end = indptr[cols[k] + 1]; p < end; p++) score[examples[p]] += w * weights[p];
    }
}

/* The largest of x[0..n) and 0. Scores are sums of products of finite weights: never NaN. */
static float max_of(const float *x, Py_ssize_t n) {
    float best = 0.0f;
    Py_ssize_t i = 0;
#if defined(__x86_64__)  /* four at a time (SSE, which every x86-64 processor has) */
    __m128 best4 = _mm_setzero_ps();
    for (; i + 4 <= n; i += 4) best4 = _mm_max_ps(best4, _mm_loadu_ps(x + i));
    float lanes[4];
    _mm_storeu_ps(lanes, best4);
    for (int j = 0; j < 4; j++)
        if (lanes[j] > best) best = lanes[j];
#endif
    for (; i < n; i++)
        if (x[i] > best) best = x[i];
    return best;
}

/* out[i] = the best score among intent i's examples, [starts[i], starts[i + 1]); 0 if none. */
static void best_of_each(const Index *x, float *out) {
    const int64_t *starts = x->b[INDEX_STARTS].buf;
    for (Py_ssize_t i = 0; i < x->n_intents; i++) {
        Py_ssize_t end = i + 1 < x->n_intents ? starts[i + 1] : x->n_examples;
        out[i] = max_of(x->score + starts[i], end - starts[i]);
    }
}

/* out[i] = the best score of query (columns checked by the caller) among intent i's examples. */
static void best_per_intent_of(const Index *x, const int32_t *cols, const float *query, Py_ssize_t n, float *out) {
    accumulate(x, cols, query, n);
    best_of_each(x, out);
    memset(x->score, 0, x->n_examples * sizeof *x->score);
}

#endif
