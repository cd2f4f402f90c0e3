/* A message's known features, looked up in a table of a vocabulary (feature name -> column):
 * - of the text as written (surface.py): its words ("t:"), word pairs ("u:") and character 2- to
 *   5-grams ("k:");
 * - of its normalised tokens (features.py): each token ("w:"), each pair ("b:") and the character
 *   3- to 5-grams of each token longer than three ("c:", counting half), with the weight of the
 *   features the vocabulary lacks.
 *
 * _vocabulary.c builds the tables and gives these look-ups to Python; _match.c runs them inside
 * its one call a message.
 */
#ifndef ASSISTANT_VOCABULARY_H
#define ASSISTANT_VOCABULARY_H

#include "_arrays.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#define MIN_GRAM 2      /* the text's n-grams */
#define MAX_GRAM 5
#define MIN_TOKEN_GRAM 3  /* a token's n-grams, and the length it must exceed to have them */
#define VOCABULARY_CAPSULE "assistant._vocabulary.Table"

typedef struct {
    uint32_t hash, start;  /* the key is pool[start, start + length) */
    int32_t col;           /* -1: an empty slot */
    uint32_t length;
} Slot;

typedef struct {
    Slot *slots;
    size_t mask;
    Py_UCS4 *pool;
    Py_ssize_t columns;  /* 1 + the largest column */
} Table;

/* FNV-1a over the code points of a key. */
static uint32_t hash_of(const Py_UCS4 *key, Py_ssize_t n) {
    uint32_t h = 2166136261u;
    for (Py_ssize_t i = 0; i < n; i++) {
        h ^= (uint32_t)key[i];
        h *= 16777619u;
    }
    return h;
}

static Slot *slot_of(const Table *t, const Py_UCS4 *key, Py_ssize_t n, uint32_t h) {
    for (size_t i = h & t->mask;; i = (i + 1) & t->mask) {
        Slot *s = &t->slots[i];
        if (s->col < 0) return s;
        if (s->hash == h && s->length == (uint32_t)n && memcmp(t->pool + s->start, key, n * sizeof *key) == 0)
            return s;
    }
}

static int32_t column(const Table *t, const Py_UCS4 *key, Py_ssize_t n) {
    return slot_of(t, key, n, hash_of(key, n))->col;
}

static int is_word(Py_UCS4 c) { return Py_UNICODE_ISALNUM(c) || c == '_'; }  /* the re module's \w */

/* A key: a two-character tag, then up to two stretches of text joined by a space. */
static Py_ssize_t key_of(Py_UCS4 *key, const char *tag, const Py_UCS4 *a, Py_ssize_t na, const Py_UCS4 *b,
                         Py_ssize_t nb) {
    key[0] = (Py_UCS4)tag[0];
    key[1] = (Py_UCS4)tag[1];
    memcpy(key + 2, a, na * sizeof *a);
    if (!b) return 2 + na;
    key[2 + na] = ' ';
    memcpy(key + 3 + na, b, nb * sizeof *b);
    return 3 + na + nb;
}

/* The words and their pairs, then the n-grams: their known columns in out, how many of each in
 * *words and *total. */
static void columns_of(const Table *t, const Py_UCS4 *text, Py_ssize_t n, int32_t *out, Py_UCS4 *key,
                       Py_ssize_t *words_out, Py_ssize_t *total_out) {
    Py_ssize_t words = 0, last = -1, last_length = 0, total;
    for (Py_ssize_t i = 0; i < n;) {
        if (!is_word(text[i])) {
            i++;
            continue;
        }
        Py_ssize_t start = i;
        while (i < n && is_word(text[i])) i++;
        int32_t col = column(t, key, key_of(key, "t:", text + start, i - start, NULL, 0));
        if (col >= 0) out[words++] = col;
        if (last >= 0 && (col = column(t, key, key_of(key, "u:", text + last, last_length, text + start, i - start))) >= 0)
            out[words++] = col;
        last = start;
        last_length = i - start;
    }
    total = words;
    for (Py_ssize_t j = 0; j < n; j++)
        for (Py_ssize_t g = MIN_GRAM; g <= MAX_GRAM && j + g <= n; g++) {
            int32_t col = column(t, key, key_of(key, "k:", text + j, g, NULL, 0));
            if (col >= 0) out[total++] = col;
        }
    *words_out = words;
    *total_out = total;
}

/* columns_of() for a folded str; out holds at least 6 columns per character. 0 if out of memory. */
static int text_columns(const Table *t, PyObject *folded, int32_t *out, Py_ssize_t *words, Py_ssize_t *total) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(folded);
    Py_UCS4 *text = PyUnicode_AsUCS4Copy(folded);
    Py_UCS4 *key = PyMem_Malloc((2 * n + 3) * sizeof *key);  /* the longest key: a pair of two words */
    int ok = text && key;
    if (ok)
        columns_of(t, text, n, out, key, words, total);
    else
        PyErr_NoMemory();
    PyMem_Free(text);
    PyMem_Free(key);
    return ok;
}


/* -- a message's tokens ----------------------------------------------------------------------- */

/* The features the table lacks, each once, in the order first met, with its count so far. */
typedef struct {
    uint32_t hash;
    Py_ssize_t start, length;  /* in arena */
    double count;
} Unknown;

typedef struct {
    Unknown *items;
    Py_ssize_t n, *slots; /* slots: an item's index, or -1 */
    size_t mask;
    Py_UCS4 *arena;
    Py_ssize_t used;
} Unknowns;

static void count_unknown(Unknowns *u, const Py_UCS4 *key, Py_ssize_t n, uint32_t h, double count) {
    size_t i = h & u->mask;
    for (; u->slots[i] >= 0; i = (i + 1) & u->mask) {
        Unknown *it = &u->items[u->slots[i]];
        if (it->hash == h && it->length == n && memcmp(u->arena + it->start, key, n * sizeof *key) == 0) {
            it->count += count;
            return;
        }
    }
    memcpy(u->arena + u->used, key, n * sizeof *key);
    u->items[u->n] = (Unknown){h, u->used, n, count};
    u->slots[i] = u->n++;
    u->used += n;
}

/* What token_features writes to: the known columns and counts, and the unknown features. */
typedef struct {
    const Table *table;
    int32_t *cols;
    float *counts;
    Py_ssize_t known;
    Unknowns unknown;
} Found;

static void found(Found *f, const Py_UCS4 *key, Py_ssize_t n, float count) {
    uint32_t h = hash_of(key, n);
    int32_t col = slot_of(f->table, key, n, h)->col;
    if (col >= 0) {
        f->cols[f->known] = col;
        f->counts[f->known++] = count;
    } else {
        count_unknown(&f->unknown, key, n, h, count);
    }
}

static void token_grams(Found *f, const Py_UCS4 *token, Py_ssize_t n, Py_UCS4 *padded, Py_UCS4 *key) {
    if (n <= MIN_TOKEN_GRAM || token[0] == '#') return;
    padded[0] = '<';
    memcpy(padded + 1, token, n * sizeof *token);
    padded[n + 1] = '>';
    for (Py_ssize_t g = MIN_TOKEN_GRAM; g <= MAX_GRAM; g++)
        for (Py_ssize_t j = 0; j + g <= n + 2; j++) found(f, key, key_of(key, "c:", padded + j, g, NULL, 0), 0.5f);
}

/* The tokens as UCS4, one after another in text, token i at starts[i], lengths[i]. */
static void read_features(Found *f, const Py_UCS4 *text, const Py_ssize_t *starts, const Py_ssize_t *lengths,
                          Py_ssize_t count, Py_UCS4 *key, Py_UCS4 *padded) {
    for (Py_ssize_t i = 0; i + 1 < count; i++)
        found(f, key, key_of(key, "b:", text + starts[i], lengths[i], text + starts[i + 1], lengths[i + 1]), 1.0f);
    for (Py_ssize_t i = 0; i < count; i++) {
        found(f, key, key_of(key, "w:", text + starts[i], lengths[i], NULL, 0), 1.0f);
        token_grams(f, text + starts[i], lengths[i], padded, key);
    }
}

static double unseen_weight(const Unknowns *u, double unseen_idf) {
    double total = 0.0;
    for (Py_ssize_t i = 0; i < u->n; i++) {
        double w = (1.0 + log(u->items[i].count)) * unseen_idf;
        total += w * w;
    }
    return total;
}

/* A message's tokens read into one block with the scratch space their features need: their text,
 * then the known columns and counts, then the unknown features. */
typedef struct {
    char *block;  /* PyMem_Free it */
    Found found;
} TokenLookup;

/* Looks up the features of a list of str into *out; 0 with an exception set if it cannot. */
static int look_up_tokens(const Table *t, PyObject *tokens, TokenLookup *out) {
    Py_ssize_t count = PyList_GET_SIZE(tokens), chars = 0, longest = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *token = PyList_GET_ITEM(tokens, i);
        if (!PyUnicode_Check(token)) {
            PyErr_SetString(PyExc_TypeError, "tokens must be str");
            return 0;
        }
        Py_ssize_t n = PyUnicode_GET_LENGTH(token);
        chars += n;
        if (n > longest) longest = n;
    }
    /* At most: a pair per token, its word, 3 (n + 2) n-grams; keys of 3 + 2 * longest characters. */
    Py_ssize_t most = 4 * count + 3 * chars + 6 * count, slots = 2;
    while (slots < 2 * most) slots *= 2;
    Py_ssize_t key_room = 8 + 2 * longest, arena_room = 3 * count + 3 * chars + 7 * most;
    size_t bytes = (2 * count + slots) * sizeof(Py_ssize_t) + most * (sizeof(Unknown) + sizeof(int32_t) + sizeof(float))
                   + (chars + 2 * key_room + arena_room) * sizeof(Py_UCS4);
    char *block = PyMem_Malloc(bytes);  /* the 8-byte items first, each array aligned */
    if (!block) {
        PyErr_NoMemory();
        return 0;
    }
    Py_ssize_t *starts = (Py_ssize_t *)block, *lengths = starts + count, *slot = lengths + count;
    Unknown *items = (Unknown *)(slot + slots);
    int32_t *cols = (int32_t *)(items + most);
    float *counts = (float *)(cols + most);
    Py_UCS4 *text = (Py_UCS4 *)(counts + most), *key = text + chars, *padded = key + key_room;
    Py_UCS4 *arena = padded + key_room;
    for (Py_ssize_t i = 0, at = 0; i < count; i++) {
        PyObject *token = PyList_GET_ITEM(tokens, i);
        starts[i] = at;
        lengths[i] = PyUnicode_GET_LENGTH(token);
        for (Py_ssize_t j = 0; j < lengths[i]; j++) text[at++] = PyUnicode_READ_CHAR(token, j);
    }
    for (Py_ssize_t i = 0; i < slots; i++) slot[i] = -1;
    *out = (TokenLookup){block, {t, cols, counts, 0, {items, 0, slot, (size_t)slots - 1, arena, 0}}};
    read_features(&out->found, text, starts, lengths, count, key, padded);
    return 1;
}

#endif
