/* A folded message split into words, for normalise.py's split().
 *
 * What the words are is said in split()'s docstring below, as two regular expressions. Applied
 * with the re module, they cost some thirty thousand instructions a message (callgrind): a
 * substitution, then a findall that tries both alternatives of its pattern at every character.
 * Here one pass marks the elisions and one pass cuts the words, testing each character once with
 * the re module's own definition of a word character.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static int is_alnum(Py_UCS4 c) { return Py_UNICODE_ISALNUM(c); }              /* [^\W_] */
static int is_word(Py_UCS4 c) { return Py_UNICODE_ISALNUM(c) || c == '_'; }   /* \w */

/* Does one of the elided words start at i, followed by an apostrophe? Its length, or 0. */
static Py_ssize_t elided_at(const Py_UCS4 *text, Py_ssize_t n, Py_ssize_t i, PyObject *elided) {
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(elided); k++) {
        PyObject *word = PyTuple_GET_ITEM(elided, k);
        Py_ssize_t m = PyUnicode_GET_LENGTH(word);
        if (i + m >= n || text[i + m] != '\'') continue;
        Py_ssize_t j = 0;
        while (j < m && text[i + j] == PyUnicode_READ_CHAR(word, j)) j++;
        if (j == m) return m;
    }
    return 0;
}

/* The apostrophe after each elided word becomes a space. The words are found where the regular
 * expression finds them: at a word boundary, scanning on after each match. (A space for an
 * apostrophe moves no boundary: neither is a word character.) */
static void mark_elisions(Py_UCS4 *text, Py_ssize_t n, PyObject *elided) {
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!is_word(text[i]) || (i > 0 && is_word(text[i - 1]))) continue;
        Py_ssize_t m = elided_at(text, n, i, elided);
        if (m) {
            text[i + m] = ' ';
            i += m;
        }
    }
}

static int append(PyObject *list, const Py_UCS4 *text, Py_ssize_t start, Py_ssize_t end) {
    PyObject *word = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, text + start, end - start);
    int failed = !word || PyList_Append(list, word) < 0;
    Py_XDECREF(word);
    return failed ? -1 : 0;
}

/* Runs of letters and digits, joined by single apostrophes, and each of € $ % alone. */
static PyObject *words_of(const Py_UCS4 *text, Py_ssize_t n) {
    PyObject *list = PyList_New(0);
    for (Py_ssize_t i = 0; list && i < n;) {
        Py_ssize_t start = i;
        if (is_alnum(text[i])) {
            while (i < n && is_alnum(text[i])) i++;
            while (i + 1 < n && text[i] == '\'' && is_alnum(text[i + 1]))
                for (i++; i < n && is_alnum(text[i]); i++) {}
        } else if (text[i] == 0x20AC || text[i] == '$' || text[i] == '%') {
            i++;
        } else {
            i++;
            continue;
        }
        if (append(list, text, start, i) < 0) Py_CLEAR(list);
    }
    if (!list) return NULL;
    PyObject *result = PyList_AsTuple(list);
    Py_DECREF(list);
    return result;
}

static PyObject *split(PyObject *self, PyObject *args) {
    PyObject *folded, *elided;
    if (!PyArg_ParseTuple(args, "UO!", &folded, &PyTuple_Type, &elided)) return NULL;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(elided); k++)
        if (!PyUnicode_Check(PyTuple_GET_ITEM(elided, k)))
            return PyErr_Format(PyExc_TypeError, "split: elided words must be str");
    Py_ssize_t n = PyUnicode_GET_LENGTH(folded);
    Py_UCS4 *text = PyUnicode_AsUCS4Copy(folded);
    if (!text) return NULL;
    if (PyTuple_GET_SIZE(elided)) mark_elisions(text, n, elided);
    PyObject *result = words_of(text, n);
    PyMem_Free(text);
    return result;
}

static PyMethodDef methods[] = {
    {"split", split, METH_VARARGS,
     "split(folded, elided) -> tuple of str\n\n"
     "The words of a folded text: what re.findall(r\"[^\\W_]+(?:'[^\\W_]+)*|[€$%]\", text) finds once\n"
     "re.sub(r\"\\b(w1|w2|...)'\", r\"\\1 \", text) has cut the elided words (a tuple of str, such as\n"
     "\"l\" and \"qu\") from the word they precede."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_words", NULL, -1, methods};

PyMODINIT_FUNC PyInit__words(void) { return PyModule_Create(&module); }
