/*
 * opts.h — QEMU's `key=value,key=value` option syntax.
 *
 *   -netdev user,id=n0,hostfwd=tcp::2222-:22,hostfwd=udp::53-:53
 *            ^ implied first key ("type")
 *
 * Rules (as QEMU's QemuOpts): elements are separated by ','; a literal ','
 * inside a value is written ',,'. The first element may omit "key=" when the
 * option has an implied key. A bare "key" means key=on. A bare "help" or
 * "?" anywhere asks for help. Keys may repeat (hostfwd=...); opts_get()
 * returns the last value, opts_get_all() walks every one.
 *
 * Consumers read the keys they know, then call opts_check_unused(), which
 * fails naming the first unknown key and the valid ones: nothing is
 * silently ignored.
 */
#ifndef FERRY_OPTS_H
#define FERRY_OPTS_H

#include "core/error.h"

typedef struct OptPair {
    char *key;
    char *value;
    bool used;
} OptPair;

typedef struct Opts {
    char *option;  /* the command-line option, e.g. "-netdev", for messages */
    char *text;    /* the argument as given */
    OptPair *pairs;
    int n;
    bool help;     /* "help" or "?" was given */
} Opts;

/* Parses `text`. implied_key may be NULL. Returns NULL with *errp set on error. */
Opts *opts_parse(const char *option, const char *text, const char *implied_key,
                 Error **errp);
void opts_free(Opts *o);

/* Value of key (last occurrence), marking it used; NULL if absent. */
const char *opts_get(Opts *o, const char *key);
bool opts_has(const Opts *o, const char *key);
/* Iterate occurrences of key: start with *pos = 0; returns NULL at the end. */
const char *opts_get_all(Opts *o, const char *key, int *pos);
/* Typed getters: absent key -> *out = def, return 0; bad value -> -1 + error. */
int opts_get_bool(Opts *o, const char *key, bool def, bool *out, Error **errp);
int opts_get_u64(Opts *o, const char *key, uint64_t def, uint64_t *out, Error **errp);
int opts_get_size(Opts *o, const char *key, uint64_t def, uint64_t *out, Error **errp);
/* Value must be one of `choices` (NULL-terminated); returns its index. */
int opts_get_enum(Opts *o, const char *key, const char *const *choices, int def,
                  Error **errp);
/* Marks key used (e.g. "id" or the implied "type" a dispatcher consumed). */
void opts_mark_used(Opts *o, const char *key);
/* Fails on the first unused key: "<option>: Invalid parameter 'k'
 * (valid: a, b, c)". `valid` is NULL-terminated, may be NULL. */
int opts_check_unused(Opts *o, const char *const *valid, Error **errp);

/* Value parsers shared by options and device properties. */
int parse_bool(const char *s, bool *out);            /* on/off yes/no true/false y/n */
int parse_u64(const char *s, uint64_t *out);          /* decimal, 0x hex, 0 octal */
/* Size with optional suffix B/K/M/G/T/P/E (powers of 1024, case-insensitive,
 * optional trailing 'B' / "iB"); default_unit multiplies a bare number
 * (-m 512 means 512 MiB: default_unit = MiB). */
int parse_size(const char *s, uint64_t default_unit, uint64_t *out);
int parse_mac(const char *s, uint8_t mac[6]);
/* QEMU's id rule: a letter, then letters, digits, '-', '.', '_'. */
bool id_wellformed(const char *id);
/* "a, b, c" from a NULL-terminated list; caller frees. */
char *join_choices(const char *const *list);

#endif
