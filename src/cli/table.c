/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <wchar.h>

#include "cli/table.h"
#include "shared/macros.h"

struct Table {
        size_t n_columns;
        char **cells; /* rows * n_columns, row 0 is the header */
        size_t n_rows;
};

/* \xNN for control characters, as virsh shows them. */
static char *escape_cell(const char *s) {
        char *out = xmalloc(strlen(s) * 4 + 1), *o = out;

        for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
                if (*p < 0x20 || *p == 0x7f)
                        o += sprintf(o, "\\x%02x", *p);
                else
                        *o++ = (char) *p;
        }
        *o = '\0';
        return out;
}

static void add_row(Table *t, va_list ap) {
        t->cells = xrealloc(t->cells, (t->n_rows + 1) * t->n_columns * sizeof(char *));
        for (size_t i = 0; i < t->n_columns; i++) {
                const char *s = va_arg(ap, const char *);
                t->cells[t->n_rows * t->n_columns + i] = escape_cell(s ? s : "");
        }
        t->n_rows++;
}

Table *table_new(size_t n_columns, ...) {
        Table *t = xcalloc(1, sizeof(*t));
        va_list ap;

        t->n_columns = n_columns;
        va_start(ap, n_columns);
        add_row(t, ap);
        va_end(ap);
        return t;
}

void table_add_row(Table *t, ...) {
        va_list ap;

        va_start(ap, t);
        add_row(t, ap);
        va_end(ap);
}

/* Display width: characters, not bytes (virsh counts with mbstowcs + wcswidth). */
static size_t width_of(const char *s) {
        size_t n = mbstowcs(NULL, s, 0);
        wchar_t *w;
        int wd;

        if (n == (size_t) -1)
                return strlen(s);
        w = xcalloc(n + 1, sizeof(wchar_t));
        mbstowcs(w, s, n + 1);
        wd = wcswidth(w, n);
        free(w);
        return wd < 0 ? n : (size_t) wd;
}

void table_print(Table *t, FILE *f, bool quiet) {
        size_t *widths = xcalloc(t->n_columns, sizeof(size_t)), dashes = 0;

        /* virsh -q leaves the header out of the widths too. */
        for (size_t r = quiet ? 1 : 0; r < t->n_rows; r++)
                for (size_t c = 0; c < t->n_columns; c++) {
                        size_t w = width_of(t->cells[r * t->n_columns + c]);
                        if (w > widths[c])
                                widths[c] = w;
                }
        for (size_t r = quiet ? 1 : 0; r < t->n_rows; r++) {
                for (size_t c = 0; c < t->n_columns; c++) {
                        const char *cell = t->cells[r * t->n_columns + c];
                        fprintf(f, " %s", cell);
                        if (c + 1 < t->n_columns)
                                fprintf(f, "%*s", (int) (widths[c] - width_of(cell) + 2), "");
                }
                fputc('\n', f);
                if (r == 0) {
                        for (size_t c = 0; c < t->n_columns; c++)
                                dashes += widths[c] + 3;
                        for (size_t i = 0; i < dashes; i++)
                                fputc('-', f);
                        fputc('\n', f);
                }
        }
        free(widths);
}

Table *table_free(Table *t) {
        if (!t)
                return NULL;
        for (size_t i = 0; i < t->n_rows * t->n_columns; i++)
                free(t->cells[i]);
        free(t->cells);
        free(t);
        return NULL;
}
