/* TF-IDF weights of one block of a message's features: summed by column, weighted
 * (1 + log tf) * idf and L2-normalised. _tfidf.c gives it to Python; _match.c runs it inside its
 * one call a message.
 */
#ifndef ASSISTANT_TFIDF_H
#define ASSISTANT_TFIDF_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    int32_t col;
    float count;
} Feature;

/* Columns with their counts (each 1 if counts is NULL) as the features weigh() reads. */
static void as_features(Feature *f, const int32_t *cols, const float *counts, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) f[i] = (Feature){cols[i], counts ? counts[i] : 1.0f};
}

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

/* A block weighed, then L2-normalised: weigh()'s count, its squared norm before normalising in *square. */
static Py_ssize_t weigh_normalised(Feature *f, Feature *tmp, Py_ssize_t n, const float *idf, int32_t *cols,
                                   float *weights, double *square) {
    Py_ssize_t kept = weigh(f, tmp, n, idf, cols, weights, square);
    scale(weights, kept, *square);
    return kept;
}

#endif
