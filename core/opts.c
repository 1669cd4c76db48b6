/*
 * opts.c — QEMU's key=value,... option syntax and the value parsers shared
 * by command-line options and device properties. See opts.h for the rules.
 */
#include "core/opts.h"

#include <ctype.h>

/* Copies one element of `p` up to an unescaped ',' or (if stop_eq) '=',
 * turning ",," into ','. Returns the position after the element. */
static const char *scan_part(const char *p, bool stop_eq, char **out)
{
    StrBuf sb = {0};
    while (*p) {
        if (*p == ',') {
            if (p[1] == ',') {
                sb_printf(&sb, ",");
                p += 2;
                continue;
            }
            break;
        }
        if (stop_eq && *p == '=')
            break;
        sb_printf(&sb, "%c", *p);
        p++;
    }
    *out = sb_steal(&sb);
    return p;
}

static void add_pair(Opts *o, char *key, char *value)
{
    o->pairs = xrealloc(o->pairs, (o->n + 1) * sizeof(OptPair));
    o->pairs[o->n++] = (OptPair){.key = key, .value = value};
}

Opts *opts_parse(const char *option, const char *text, const char *implied_key,
                 Error **errp)
{
    Opts *o = xzalloc(sizeof(*o));
    o->option = xstrdup(option);
    o->text = xstrdup(text);
    const char *p = text;
    bool first = true;

    while (*p) {
        char *key, *value;
        const char *q = scan_part(p, true, &key);
        if (*q == '=') {
            q = scan_part(q + 1, false, &value);
        } else if (!strcmp(key, "help") || !strcmp(key, "?")) {
            o->help = true;
            free(key);
            goto next;
        } else if (first && implied_key) {
            value = key;
            key = xstrdup(implied_key);
        } else if (*key == 0) {
            free(key); /* empty element, e.g. a trailing comma */
            goto next;
        } else {
            value = xstrdup("on");
        }
        if (*key == 0) {
            error_setg(errp, "%s %s: empty parameter name before '='", option, text);
            free(key);
            free(value);
            opts_free(o);
            return NULL;
        }
        add_pair(o, key, value);
    next:
        first = false;
        p = q;
        if (*p == ',')
            p++;
    }
    return o;
}

void opts_free(Opts *o)
{
    if (!o)
        return;
    for (int i = 0; i < o->n; i++) {
        free(o->pairs[i].key);
        free(o->pairs[i].value);
    }
    free(o->pairs);
    free(o->option);
    free(o->text);
    free(o);
}

const char *opts_get(Opts *o, const char *key)
{
    const char *v = NULL;
    for (int i = 0; i < o->n; i++) {
        if (!strcmp(o->pairs[i].key, key)) {
            o->pairs[i].used = true;
            v = o->pairs[i].value;
        }
    }
    return v;
}

bool opts_has(const Opts *o, const char *key)
{
    for (int i = 0; i < o->n; i++)
        if (!strcmp(o->pairs[i].key, key))
            return true;
    return false;
}

const char *opts_get_all(Opts *o, const char *key, int *pos)
{
    for (int i = *pos; i < o->n; i++) {
        if (!strcmp(o->pairs[i].key, key)) {
            o->pairs[i].used = true;
            *pos = i + 1;
            return o->pairs[i].value;
        }
    }
    *pos = o->n;
    return NULL;
}

void opts_mark_used(Opts *o, const char *key)
{
    (void)opts_get(o, key);
}

static void bad_value(Opts *o, Error **errp, const char *key, const char *value,
                      const char *expects)
{
    error_setg(errp, "%s %s: Parameter '%s' expects %s (got '%s')", o->option, o->text,
               key, expects, value);
}

int opts_get_bool(Opts *o, const char *key, bool def, bool *out, Error **errp)
{
    const char *v = opts_get(o, key);
    if (!v) {
        *out = def;
        return 0;
    }
    if (parse_bool(v, out) < 0) {
        bad_value(o, errp, key, v, "'on' or 'off'");
        return -1;
    }
    return 0;
}

int opts_get_u64(Opts *o, const char *key, uint64_t def, uint64_t *out, Error **errp)
{
    const char *v = opts_get(o, key);
    if (!v) {
        *out = def;
        return 0;
    }
    if (parse_u64(v, out) < 0) {
        bad_value(o, errp, key, v, "a non-negative number");
        return -1;
    }
    return 0;
}

int opts_get_size(Opts *o, const char *key, uint64_t def, uint64_t *out, Error **errp)
{
    const char *v = opts_get(o, key);
    if (!v) {
        *out = def;
        return 0;
    }
    if (parse_size(v, 1, out) < 0) {
        bad_value(o, errp, key, v, "a size (number with optional suffix K, M, G, T, P or E)");
        return -1;
    }
    return 0;
}

int opts_get_enum(Opts *o, const char *key, const char *const *choices, int def,
                  Error **errp)
{
    const char *v = opts_get(o, key);
    if (!v)
        return def;
    for (int i = 0; choices[i]; i++)
        if (!strcmp(v, choices[i]))
            return i;
    char *valid = join_choices(choices);
    error_setg(errp, "%s %s: Parameter '%s' does not accept value '%s' (valid: %s)",
               o->option, o->text, key, v, valid);
    free(valid);
    return -1;
}

int opts_check_unused(Opts *o, const char *const *valid, Error **errp)
{
    for (int i = 0; i < o->n; i++) {
        if (o->pairs[i].used)
            continue;
        if (valid && valid[0]) {
            char *list = join_choices(valid);
            error_setg(errp, "%s %s: Invalid parameter '%s' (valid: %s)", o->option,
                       o->text, o->pairs[i].key, list);
            free(list);
        } else {
            error_setg(errp, "%s %s: Invalid parameter '%s' (this option takes none)",
                       o->option, o->text, o->pairs[i].key);
        }
        return -1;
    }
    return 0;
}

int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"on", "yes", "true", "y", NULL};
    static const char *const no[] = {"off", "no", "false", "n", NULL};
    for (int i = 0; yes[i]; i++) {
        if (!strcmp(s, yes[i])) {
            *out = true;
            return 0;
        }
        if (!strcmp(s, no[i])) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

int parse_u64(const char *s, uint64_t *out)
{
    if (!*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

int parse_size(const char *s, uint64_t default_unit, uint64_t *out)
{
    if (!isdigit((unsigned char)*s) && *s != '.')
        return -1;
    char *end;
    errno = 0;
    /* Integers exactly (sizes up to 2^64-1); a fraction ("1.5G") in double. */
    unsigned long long whole = strtoull(s, &end, 10);
    if (errno)
        return -1;
    double frac = 0;
    if (*end == '.') {
        char *fend;
        frac = strtod(end, &fend);
        if (fend == end + 1)
            return -1;
        end = fend;
    }
    uint64_t unit = default_unit;
    if (*end) {
        static const char units[] = "BKMGTPE";
        const char *u = strchr(units, toupper((unsigned char)*end));
        if (!u || !*u)
            return -1;
        unit = 1ULL << (10 * (u - units));
        end++;
        /* Accept "KB", "KiB", "MB", ... as people write them. */
        if (unit > 1) {
            if (*end == 'i')
                end++;
            if (*end == 'B' || *end == 'b')
                end++;
        }
        if (*end)
            return -1;
    }
    if (whole && unit > UINT64_MAX / whole)
        return -1;
    uint64_t v = whole * unit;
    if (frac != 0) {
        double extra = frac * (double)unit;
        if (extra >= 18446744073709551616.0 - (double)v)
            return -1;
        v += (uint64_t)extra;
    }
    *out = v;
    return 0;
}

int parse_mac(const char *s, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
            return -1;
        char byte[3] = {s[0], s[1], 0};
        mac[i] = (uint8_t)strtoul(byte, NULL, 16);
        s += 2;
        if (i < 5) {
            if (*s != ':' && *s != '-')
                return -1;
            s++;
        }
    }
    return *s ? -1 : 0;
}

bool id_wellformed(const char *id)
{
    if (!isalpha((unsigned char)id[0]))
        return false;
    for (const char *p = id + 1; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("-._", *p))
            return false;
    return true;
}

char *join_choices(const char *const *list)
{
    StrBuf sb = {0};
    for (int i = 0; list && list[i]; i++)
        sb_printf(&sb, "%s%s", i ? ", " : "", list[i]);
    return sb_steal(&sb);
}
