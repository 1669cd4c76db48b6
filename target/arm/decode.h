/*
 * decode.h — the A64 decoder: one table line per encoding.
 *
 * Each instruction class (translate-<class>.c) has a table of lines
 *
 *     A64_INSN("x0010001 0x xxxxxxxxxxxx xxxxx xxxxx", "ADD (immediate)", trans_addsub_imm),
 *
 * a 32-character bit pattern, bit 31 first: '0' and '1' must match, 'x'
 * or '-' is "don't care"; spaces, '_' and '|' are separators and ignored.
 * Then the ARM ARM's name of the encoding (for -d unimp, tests and the
 * overlap check) and the translate function. A64_INSN_F adds the
 * architectural feature the encoding needs (ARMFeature): on a CPU without
 * it the line does not match, so the encoding is Undefined there.
 *
 * The table is registered with A64_DECODE_TABLE(table) at start-up and
 * compiled on first use into 256 buckets indexed by bits [28:21] (op0 and
 * the next four bits), each holding the lines that can match there, most
 * specific first (most fixed bits). A lookup scans one bucket. A line
 * whose encodings are a subset of another's takes precedence; lines that
 * partly overlap are a table bug that a64_decode_check() reports (a unit
 * test runs it).
 *
 * The translate function returns true when it translated the instruction
 * and false when a field holds a reserved value: the instruction is then
 * Undefined. It must decide that before emitting any IR.
 *
 * Follows the A64 encoding index of the ARM ARM (DDI 0487, C4.1).
 */
#ifndef FERRY_TARGET_ARM_DECODE_H
#define FERRY_TARGET_ARM_DECODE_H

#include "target/arm/cpu.h"

typedef struct DisasContext DisasContext;
typedef bool A64TransFn(DisasContext *dc, uint32_t insn);

typedef struct A64DecodeEntry {
    const char *pattern;
    const char *name;
    A64TransFn *fn;
    uint8_t feature;    /* ARMFeature the encoding needs; ARM_FEAT_NONE = base */
} A64DecodeEntry;

#define A64_INSN(pat, nm, f) { (pat), (nm), (f), ARM_FEAT_NONE }
#define A64_INSN_F(pat, nm, f, feat) { (pat), (nm), (f), (feat) }

void a64_decode_register(const A64DecodeEntry *tbl, size_t n, const char *file);
#define A64_DECODE_TABLE(tbl) \
    REGISTER_AT_STARTUP(a64_register_##tbl) { a64_decode_register(tbl, ARRAY_SIZE(tbl), __FILE__); }

/* The line for insn on a CPU with these features (bit per ARMFeature), or
 * NULL: unallocated (or not implemented). */
const A64DecodeEntry *a64_decode_lookup(uint32_t insn, uint64_t features);

/* The line for insn ignoring features (what the encoding would be). */
const A64DecodeEntry *a64_decode_lookup_any(uint32_t insn);

/* Checks every table: malformed patterns and partly overlapping lines are
 * printed to out; returns the number of problems. */
unsigned a64_decode_check(FILE *out);

/* Number of registered lines, and line i's entry and compiled pattern
 * (tests, the fuzzer's encoding generator). */
size_t a64_decode_count(void);
const A64DecodeEntry *a64_decode_line(size_t i, uint32_t *mask, uint32_t *value);

/* Parse one pattern into mask/value; false if malformed. */
bool a64_pattern_parse(const char *pat, uint32_t *mask, uint32_t *value);

#endif
