/* What the C loops share: numpy arrays read through the buffer protocol, so that building them
 * needs no numpy headers, each array checked against what the loop expects before it is read. */
#ifndef ASSISTANT_ARRAYS_H
#define ASSISTANT_ARRAYS_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

/* One argument: its struct format as numpy gives it for native arrays ("i" int32, "l" int64,
 * "h" int16, "f" float32, "e" float16), its item size, dimensions, and whether it is written. */
typedef struct {
    const char *name, *format;
    Py_ssize_t itemsize;
    int ndim, writable;
} ArraySpec;

/* Views of objs[0..n) as the specs say (C-contiguous), or 0 with TypeError (or the buffer
 * protocol's own error) set. views must start zeroed; release_arrays() frees them in every case. */
static int get_arrays(const char *function, PyObject **objs, Py_buffer *views, const ArraySpec *specs, int n) {
    for (int i = 0; i < n; i++) {
        const ArraySpec *s = &specs[i];
        int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (s->writable ? PyBUF_WRITABLE : 0);
        if (PyObject_GetBuffer(objs[i], &views[i], flags) < 0) return 0;
        const char *format = views[i].format ? views[i].format : "B";
        if (views[i].ndim != s->ndim || views[i].itemsize != s->itemsize || strcmp(format, s->format) != 0) {
            PyErr_Format(PyExc_TypeError, "%s: %s must be a %d-D array of '%s' items of %zd bytes, not '%s'",
                         function, s->name, s->ndim, s->format, s->itemsize, format);
            return 0;
        }
    }
    return 1;
}

static void release_arrays(Py_buffer *views, int n) {
    for (int i = 0; i < n; i++)
        if (views[i].obj) PyBuffer_Release(&views[i]);
}

#endif
