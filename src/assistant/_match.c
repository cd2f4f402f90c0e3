/* A message's ranked intents in one call, for matching.py's Matcher.rank().
 *
 * The steps are those of the other loops, included from their headers: the known features of the
 * message's tokens and of its text (_vocabulary.h), their TF-IDF weights (_tfidf.h), the linear
 * classifier's probabilities and the ranking (_linear.h), the nearest example of each intent
 * (_nearest.h). Called one by one from Python, each step's numpy arrays, buffer exports, argument
 * parsing and frames cost about a hundred thousand instructions a message, as much as the classifier
 * itself; here the steps pass plain arrays of one allocation to one another. The arithmetic is the
 * same, in the same order: the results are the steps' own, to the bit (test_match.py).
 *
 * The model (model()) is checked once, when it is made: the vocabularies' columns lie inside their
 * idf tables and the classifier's rows, the examples' index has a row per token feature, the
 * classifier a column per intent. A message is then read without a check per feature.
 */
#include "_arrays.h"
#include "_linear.h"
#include "_nearest.h"
#include "_tfidf.h"
#include "_vocabulary.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#define CAPSULE "assistant._match.Model"

enum { TOKEN_IDF, SURFACE_IDF, COEF, SCALE, DENSE_COEF, INTERCEPT, N_ARRAYS };

static const ArraySpec SPECS[N_ARRAYS] = {
    {"token_idf", "f", 4, 1, 0}, {"surface_idf", "f", 4, 1, 0}, {"coef", "h", 2, 2, 0},
    {"scale", "f", 4, 1, 0},     {"dense_coef", "f", 4, 2, 0},  {"intercept", "f", 4, 1, 0},
};

typedef struct {
    PyObject *owners[3];  /* the tables' and the index's capsules, held for the model's life */
    const Table *tokens, *surface;
    const Index *index;
    Py_buffer b[N_ARRAYS];  /* held likewise */
    Linear linear;
    double unseen_idf, blend;
} Model;

static void free_model(Model *m) {
    if (!m) return;
    release_arrays(m->b, N_ARRAYS);
    for (int i = 0; i < 3; i++) Py_XDECREF(m->owners[i]);
    PyMem_Free(m);
}

static void destroy(PyObject *capsule) { free_model(PyCapsule_GetPointer(capsule, CAPSULE)); }

/* Every column a message can produce has an idf and a row of the classifier (the tokens' rows, then
 * the text's), the index a row of postings per token feature; every class a scale, an intercept, a
 * column of the dense rows and an intent of the index. */
static int consistent(const Model *m) {
    const Py_buffer *b = m->b;
    Py_ssize_t token_size = b[TOKEN_IDF].shape[0], surface_size = b[SURFACE_IDF].shape[0];
    Py_ssize_t rows = b[COEF].shape[0], k = b[COEF].shape[1];
    return m->tokens->columns <= token_size && m->surface->columns <= surface_size
           && rows == token_size + surface_size && m->index->n_features == token_size
           && b[SCALE].shape[0] == k && b[DENSE_COEF].shape[1] == k && b[INTERCEPT].shape[0] == k
           && m->index->n_intents == k;
}

static PyObject *model(PyObject *self, PyObject *args) {
    PyObject *o[N_ARRAYS], *tokens, *surface, *index;
    double unseen_idf, temperature, blend;
    if (!PyArg_ParseTuple(args, "OOOOdOOOOOdd", &tokens, &o[TOKEN_IDF], &surface, &o[SURFACE_IDF], &unseen_idf, &o[COEF],
                          &o[SCALE], &o[DENSE_COEF], &o[INTERCEPT], &index, &temperature, &blend))
        return NULL;
    Model *m = PyMem_Calloc(1, sizeof *m);
    if (!m) return PyErr_NoMemory();
    m->owners[0] = Py_NewRef(tokens);
    m->owners[1] = Py_NewRef(surface);
    m->owners[2] = Py_NewRef(index);
    if (!(m->tokens = PyCapsule_GetPointer(tokens, VOCABULARY_CAPSULE))
        || !(m->surface = PyCapsule_GetPointer(surface, VOCABULARY_CAPSULE))
        || !(m->index = PyCapsule_GetPointer(index, INDEX_CAPSULE)) || !get_arrays("model", o, m->b, SPECS, N_ARRAYS)) {
        free_model(m);
        return NULL;
    }
    if (!consistent(m)) {
        free_model(m);
        return PyErr_Format(PyExc_ValueError, "model: tables, weights and index of inconsistent sizes");
    }
    m->linear = (Linear){m->b[COEF].buf, m->b[SCALE].buf, m->b[DENSE_COEF].buf, m->b[INTERCEPT].buf,
                         m->b[COEF].shape[1], m->b[TOKEN_IDF].shape[0], temperature};
    m->unseen_idf = unseen_idf;
    m->blend = blend;
    PyObject *capsule = PyCapsule_New(m, CAPSULE, destroy);
    if (!capsule) free_model(m);
    return capsule;
}

/* What a message's scores need besides its features: room for the weighed features and the sort,
 * and three rows of classes (probabilities, similarities, the classifier's and the ranking's scratch). */
typedef struct {
    Feature *features, *sort_room;
    int32_t *cols;
    float *weights, *prob, *sim, *scratch;
    char *taken;
} Scratch;

static char *scratch_for(Scratch *s, Py_ssize_t features, Py_ssize_t k) {
    size_t bytes = 2 * features * sizeof(Feature) + features * (sizeof(int32_t) + sizeof(float))
                   + 3 * k * sizeof(float) + k + 1;
    char *block = PyMem_Malloc(bytes);
    if (!block) return NULL;
    s->features = (Feature *)block;
    s->sort_room = s->features + features;
    s->cols = (int32_t *)(s->sort_room + features);
    s->weights = (float *)(s->cols + features);
    s->prob = s->weights + features;
    s->sim = s->prob + k;
    s->scratch = s->sim + k;
    s->taken = (char *)(s->scratch + k);
    return block;
}

/* The tokens' vector, weighed into the scratch's columns and weights from 0: returns how many, and
 * the share of its weight that is known in *coverage (Vectorizer.vector). */
static Py_ssize_t weigh_tokens(const Model *m, const Found *f, Scratch *s, double *coverage) {
    double known;
    as_features(s->features, f->cols, f->counts, f->known);
    Py_ssize_t n = weigh_normalised(s->features, s->sort_room, f->known, m->b[TOKEN_IDF].buf, s->cols, s->weights, &known);
    double unseen = unseen_weight(&f->unknown, m->unseen_idf);
    *coverage = sqrt(known / (known + unseen));
    return n;
}

/* The text's two blocks (SurfaceVectorizer.vector), weighed into the scratch from at: the first
 * block ends at ends[0], the second at ends[1]. */
static void weigh_text(const Model *m, const int32_t *cols, Py_ssize_t words, Py_ssize_t total, Scratch *s,
                       Py_ssize_t at, Py_ssize_t ends[2]) {
    const float *idf = m->b[SURFACE_IDF].buf;
    double square;
    Feature *f = s->features + at;
    as_features(f, cols, NULL, total);
    Py_ssize_t k = weigh_normalised(f, s->sort_room, words, idf, s->cols + at, s->weights + at, &square);
    ends[0] = at + k;
    ends[1] = ends[0] + weigh_normalised(f + words, s->sort_room, total - words, idf, s->cols + ends[0],
                                         s->weights + ends[0], &square);
}

/* Matcher.rank() once the message is read: [(intent, confidence, probability, similarity)]. */
static PyObject *ranked_message(const Model *m, const Found *f, const int32_t *text_cols, Py_ssize_t words,
                                Py_ssize_t total, const Py_buffer *dense, Py_ssize_t top) {
    Py_ssize_t k = m->linear.classes, ends[2];
    Scratch s;
    char *block = scratch_for(&s, f->known + total, k);
    if (!block) return PyErr_NoMemory();
    double coverage;
    Py_ssize_t n = weigh_tokens(m, f, &s, &coverage);
    weigh_text(m, text_cols, words, total, &s, n, ends);
    Block tokens = {s.cols, s.weights, n}, text = {s.cols + n, s.weights + n, ends[1] - n};
    probabilities_of(&m->linear, tokens, text, dense->buf, dense->shape[0], s.prob, s.scratch);
    best_per_intent_of(m->index, s.cols, s.weights, n, s.sim);
    for (Py_ssize_t j = 0; j < k; j++) s.sim[j] *= (float)coverage;
    PyObject *list = top_of(s.prob, s.sim, k, m->blend, top < k ? top : k, s.scratch, s.taken);
    PyMem_Free(block);
    return list;
}

static const ArraySpec DENSE_SPEC[1] = {{"dense", "f", 4, 1, 0}};

static PyObject *rank(PyObject *self, PyObject *args) {
    PyObject *capsule, *tokens, *folded, *o[1];
    Py_buffer dense[1] = {{0}};
    Py_ssize_t top;
    TokenLookup u = {NULL};
    int32_t *text_cols = NULL;
    PyObject *result = NULL;
    if (!PyArg_ParseTuple(args, "OO!UOn", &capsule, &PyList_Type, &tokens, &folded, &o[0], &top)) return NULL;
    Model *m = PyCapsule_GetPointer(capsule, CAPSULE);
    Py_ssize_t words, total;
    if (!m || !get_arrays("rank", o, dense, DENSE_SPEC, 1) || !look_up_tokens(m->tokens, tokens, &u)) goto done;
    if (dense[0].shape[0] != m->b[DENSE_COEF].shape[0] || top < 0) {
        PyErr_SetString(PyExc_ValueError, "rank: a sentence vector of the wrong size, or a negative top");
    } else if (u.found.known == 0) {
        result = PyList_New(0);  /* none of its tokens is known: nothing to rank */
    } else if (!(text_cols = PyMem_Malloc((6 * PyUnicode_GET_LENGTH(folded) + 1) * sizeof *text_cols))) {
        PyErr_NoMemory();
    } else if (text_columns(m->surface, folded, text_cols, &words, &total)) {
        result = ranked_message(m, &u.found, text_cols, words, total, &dense[0], top);
    }
done:
    release_arrays(dense, 1);
    PyMem_Free(u.block);
    PyMem_Free(text_cols);
    return result;
}

static PyMethodDef methods[] = {
    {"model", model, METH_VARARGS,
     "model(token_table, token_idf, surface_table, surface_idf, unseen_idf, coef, scale, dense_coef,\n"
     "      intercept, index, temperature, blend) -> capsule\n\n"
     "A matcher's model for rank(), checked once; the tables (_vocabulary.table), the arrays and the\n"
     "index (_nearest.index) are held until it is freed. The arrays are as _tfidf.tfidf and\n"
     "_linear.probabilities read them; coef's rows are the tokens' features, then the text's, then\n"
     "the sentence vector's."},
    {"rank", rank, METH_VARARGS,
     "rank(model, tokens, folded, dense, top) -> [(intent, confidence, probability, similarity), ...]\n\n"
     "What the steps give, one after another: the tokens' TF-IDF vector and the share of its weight\n"
     "that is known (_vocabulary.token_features, _tfidf.tfidf); the folded text's two blocks\n"
     "(_vocabulary.surface_features, _tfidf.tfidf); the probabilities of those and of the sentence\n"
     "vector dense (_linear.probabilities); each intent's nearest example (_nearest.best_per_intent)\n"
     "times that share; the top intents by blended confidence (_linear.ranked). An empty list if none\n"
     "of the tokens' features is known."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_match", NULL, -1, methods};

PyMODINIT_FUNC PyInit__match(void) { return PyModule_Create(&module); }
