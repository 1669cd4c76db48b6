/*
 * fdt-builder.c — path-addressed libfdt editing in a growing buffer; see
 * fdt-builder.h. Follows the Devicetree Specification (v0.4) for the blob
 * format, through libfdt.
 */
#include "boards/fdt-builder.h"

#include <libfdt.h>

#define FDTB_INITIAL_SIZE (64 * 1024)

static void fdtb_fail(Fdt *f, int err, const char *what, const char *path, const char *prop)
{
    if (f->err)
        return;
    f->err = err;
    f->err_where = xasprintf("%s %s%s%s", what, path, prop ? " " : "", prop ? prop : "");
}

static bool fdtb_grow(Fdt *f)
{
    size_t cap = f->cap * 2;
    if (cap > 64 * MiB)
        return false;
    void *n = xmalloc(cap);
    if (fdt_open_into(f->blob, n, (int)cap) < 0) {
        free(n);
        return false;
    }
    free(f->blob);
    f->blob = n;
    f->cap = cap;
    return true;
}

void fdtb_init_empty(Fdt *f)
{
    memset(f, 0, sizeof(*f));
    f->cap = FDTB_INITIAL_SIZE;
    f->blob = xmalloc(f->cap);
    int r = fdt_create_empty_tree(f->blob, (int)f->cap);
    if (r < 0)
        fdtb_fail(f, r, "creating", "/", NULL);
}

int fdtb_init_from(Fdt *f, const void *blob, size_t len, Error **errp)
{
    memset(f, 0, sizeof(*f));
    f->cap = MAX((size_t)FDTB_INITIAL_SIZE, ALIGN_UP(len * 2, 4096));
    f->blob = xmalloc(f->cap);
    int r = fdt_open_into(blob, f->blob, (int)f->cap);
    if (r < 0) {
        error_setg(errp, "cannot open the device tree: %s", fdt_strerror(r));
        fdtb_free(f);
        return -1;
    }
    return 0;
}

void fdtb_free(Fdt *f)
{
    free(f->blob);
    free(f->err_where);
    memset(f, 0, sizeof(*f));
}

bool fdtb_exists(Fdt *f, const char *path)
{
    return fdt_path_offset(f->blob, path) >= 0;
}

void fdtb_add_node(Fdt *f, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || !slash[1]) {
        fdtb_fail(f, -FDT_ERR_BADPATH, "adding", path, NULL);
        return;
    }
    char *parent = slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
    for (;;) {
        int off = fdt_path_offset(f->blob, parent);
        int r = off < 0 ? off : fdt_add_subnode(f->blob, off, slash + 1);
        if (r == -FDT_ERR_NOSPACE && fdtb_grow(f))
            continue;
        if (r < 0)
            fdtb_fail(f, r, "adding", path, NULL);
        break;
    }
    free(parent);
}

void fdtb_add_path(Fdt *f, const char *path)
{
    char *p = xstrdup(path);
    for (char *s = p + 1;; s++) {
        if (*s == '/' || !*s) {
            char c = *s;
            *s = 0;
            if (!fdtb_exists(f, p))
                fdtb_add_node(f, p);
            *s = c;
            if (!c)
                break;
        }
    }
    free(p);
}

void fdtb_nop_node(Fdt *f, const char *path)
{
    int off = fdt_path_offset(f->blob, path);
    if (off >= 0) {
        int r = fdt_nop_node(f->blob, off);
        if (r < 0)
            fdtb_fail(f, r, "deleting", path, NULL);
    }
}

void fdtb_set(Fdt *f, const char *path, const char *prop, const void *val, int len)
{
    for (;;) {
        int off = fdt_path_offset(f->blob, path);
        int r = off < 0 ? off : fdt_setprop(f->blob, off, prop, val, len);
        if (r == -FDT_ERR_NOSPACE && fdtb_grow(f))
            continue;
        if (r < 0)
            fdtb_fail(f, r, "setting", path, prop);
        return;
    }
}

void fdtb_set_empty(Fdt *f, const char *path, const char *prop)
{
    fdtb_set(f, path, prop, NULL, 0);
}

void fdtb_set_u32(Fdt *f, const char *path, const char *prop, uint32_t v)
{
    fdtb_set_cells(f, path, prop, &v, 1);
}

void fdtb_set_u64(Fdt *f, const char *path, const char *prop, uint64_t v)
{
    uint32_t c[2] = {(uint32_t)(v >> 32), (uint32_t)v};
    fdtb_set_cells(f, path, prop, c, 2);
}

void fdtb_set_cells(Fdt *f, const char *path, const char *prop, const uint32_t *cells, int n)
{
    fdt32_t *be = xcalloc(n ? (size_t)n : 1, sizeof(*be));
    for (int i = 0; i < n; i++)
        be[i] = cpu_to_fdt32(cells[i]);
    fdtb_set(f, path, prop, be, n * (int)sizeof(*be));
    free(be);
}

void fdtb_set_str(Fdt *f, const char *path, const char *prop, const char *s)
{
    fdtb_set(f, path, prop, s, (int)strlen(s) + 1);
}

void fdtb_set_strs(Fdt *f, const char *path, const char *prop, const char *const *list)
{
    size_t len = 0;
    char *buf = NULL;
    for (int i = 0; list[i]; i++) {
        size_t l = strlen(list[i]) + 1;
        buf = xrealloc(buf, len + l);
        memcpy(buf + len, list[i], l);
        len += l;
    }
    fdtb_set(f, path, prop, buf, (int)len);
    free(buf);
}

void fdtb_set_reg(Fdt *f, const char *path, const char *prop, int acells, int scells, int n,
                  const uint64_t *pairs)
{
    int per = acells + scells;
    uint32_t *c = xcalloc((size_t)(n * per) + 1, sizeof(*c));
    for (int i = 0; i < n; i++) {
        uint64_t vals[2] = {pairs[2 * i], pairs[2 * i + 1]};
        int cells[2] = {acells, scells};
        uint32_t *p = c + i * per;
        for (int k = 0; k < 2; k++) {
            uint64_t v = vals[k];
            for (int j = cells[k] - 1; j >= 0; j--) {
                p[j] = (uint32_t)v;
                v >>= 32;
            }
            if (v)
                fdtb_fail(f, -FDT_ERR_BADVALUE, "encoding", path, prop);
            p += cells[k];
        }
    }
    fdtb_set_cells(f, path, prop, c, n * per);
    free(c);
}

uint32_t fdtb_get_u32(Fdt *f, const char *path, const char *prop, uint32_t def)
{
    int off = fdt_path_offset(f->blob, path);
    int len = 0;
    const fdt32_t *v = off < 0 ? NULL : fdt_getprop(f->blob, off, prop, &len);
    return v && len == 4 ? fdt32_to_cpu(*v) : def;
}

int fdtb_finish(Fdt *f, Error **errp)
{
    if (f->err) {
        error_setg(errp, "device tree: %s: %s", f->err_where, fdt_strerror(f->err));
        return -1;
    }
    int r = fdt_pack(f->blob);
    if (r < 0) {
        error_setg(errp, "device tree: packing: %s", fdt_strerror(r));
        return -1;
    }
    f->cap = fdt_totalsize(f->blob);
    return 0;
}
