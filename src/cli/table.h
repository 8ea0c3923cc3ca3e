/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* virsh's tables (vsh-table.c), byte for byte: every cell is printed as " " + text, columns are
 * padded to their widest cell plus two spaces, nothing follows the last column, the header is
 * underlined with sum(width + 3) dashes, control characters show as \xNN. A general table
 * library lays these out differently, and scripts parse virsh's layout, hence this small one. */
typedef struct Table Table;

Table *table_new(size_t n_columns, ...); /* the header cells */
void table_add_row(Table *t, ...);      /* n_columns strings */
/* quiet: no header and no dashes (virsh -q). */
void table_print(Table *t, FILE *f, bool quiet);
Table *table_free(Table *t);
