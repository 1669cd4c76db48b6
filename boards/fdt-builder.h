/*
 * fdt-builder.h — building and editing a flattened device tree with libfdt,
 * addressed by path ("/pcie@10000000") so node offsets never go stale, in a
 * buffer that grows as needed. The first libfdt error is kept and reported
 * by fdtb_finish(), so a board writes its tree as a plain list of calls.
 *
 * libfdt's read-write functions put a new property before the node's
 * existing ones and a new subnode before its existing subnodes, so a tree
 * built in a given order reads back in the reverse order (QEMU's trees show
 * the same, being built the same way).
 */
#ifndef FERRY_BOARDS_FDT_BUILDER_H
#define FERRY_BOARDS_FDT_BUILDER_H

#include "core/error.h"

typedef struct Fdt {
    void *blob;
    size_t cap;
    int err;           /* first libfdt error (negative), 0 if none */
    char *err_where;   /* what was being done then */
} Fdt;

void fdtb_init_empty(Fdt *f);
/* Opens a copy of an existing blob (already checked with fdt_check_header). */
int fdtb_init_from(Fdt *f, const void *blob, size_t len, Error **errp);
void fdtb_free(Fdt *f);

/* Adds the node at `path` (its parent must exist). */
void fdtb_add_node(Fdt *f, const char *path);
/* Adds `path` and any missing ancestors. */
void fdtb_add_path(Fdt *f, const char *path);
/* Marks a node and its subtree as deleted (FDT_NOP) if it exists. */
void fdtb_nop_node(Fdt *f, const char *path);
bool fdtb_exists(Fdt *f, const char *path);

void fdtb_set(Fdt *f, const char *path, const char *prop, const void *val, int len);
void fdtb_set_empty(Fdt *f, const char *path, const char *prop);
void fdtb_set_u32(Fdt *f, const char *path, const char *prop, uint32_t v);
void fdtb_set_u64(Fdt *f, const char *path, const char *prop, uint64_t v);
void fdtb_set_cells(Fdt *f, const char *path, const char *prop, const uint32_t *cells, int n);
void fdtb_set_str(Fdt *f, const char *path, const char *prop, const char *s);
/* A string list ("arm,pl011\0arm,primecell"): NULL-terminated. */
void fdtb_set_strs(Fdt *f, const char *path, const char *prop, const char *const *list);
/* A "reg"-style property: n (address, size) pairs in acells/scells cells. */
void fdtb_set_reg(Fdt *f, const char *path, const char *prop, int acells, int scells, int n,
                  const uint64_t *pairs);
/* A 32-bit property's value, or def if absent or not 4 bytes long. */
uint32_t fdtb_get_u32(Fdt *f, const char *path, const char *prop, uint32_t def);

/* Packs the blob; fails with the first error met while building. */
int fdtb_finish(Fdt *f, Error **errp);

#endif
