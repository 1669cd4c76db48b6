/*
 * translate-crypto.c — the Cryptographic Extension: AES (AESE, AESD,
 * AESMC, AESIMC; FEAT_AES), SHA-1 (SHA1C/P/M/H/SU0/SU1; FEAT_SHA1),
 * SHA-256 (SHA256H/H2/SU0/SU1; FEAT_SHA256). PMULL/PMULL2 with 64-bit
 * elements (FEAT_PMULL) is in translate-simd-int.c with the other three-
 * different forms; CRC32 is integer (translate-dp-reg.c). All helpers
 * (helper-crypto.c).
 *
 * Follows DDI 0487 C4.1.95 ("Cryptographic AES", "Cryptographic three-
 * register SHA", "Cryptographic two-register SHA") and C7.2.
 */
#include "target/arm/simd-helpers.h"
#include "target/arm/translate-simd.h"

static bool do_crypto(DisasContext *dc, uint32_t insn, const TCGHelper *h)
{
    if (!fp_access_check(dc))
        return true;
    gen_simd_helper(dc, h, f_rd(insn), f_rn(insn), f_rm(insn), 2, SIMD_128, 0);
    return true;
}

#define TRANS(name) \
    static bool trans_##name(DisasContext *dc, uint32_t insn) { return do_crypto(dc, insn, &h_simd_##name); }
TRANS(aese)
TRANS(aesd)
TRANS(aesmc)
TRANS(aesimc)
TRANS(sha1c)
TRANS(sha1p)
TRANS(sha1m)
TRANS(sha1su0)
TRANS(sha256h)
TRANS(sha256h2)
TRANS(sha256su1)
TRANS(sha1h)
TRANS(sha1su1)
TRANS(sha256su0)

static const A64DecodeEntry crypto_table[] = {
    /* AES: 0100 1110 size 10100 opcode 10 Rn Rd (size 00) */
    A64_INSN_F("01001110 00 10100 00100 10 xxxxx xxxxx", "AESE", trans_aese, ARM_FEAT_AES),
    A64_INSN_F("01001110 00 10100 00101 10 xxxxx xxxxx", "AESD", trans_aesd, ARM_FEAT_AES),
    A64_INSN_F("01001110 00 10100 00110 10 xxxxx xxxxx", "AESMC", trans_aesmc, ARM_FEAT_AES),
    A64_INSN_F("01001110 00 10100 00111 10 xxxxx xxxxx", "AESIMC", trans_aesimc, ARM_FEAT_AES),
    /* three-register SHA: 0101 1110 size 0 Rm 0 opcode 00 Rn Rd (size 00) */
    A64_INSN_F("01011110 00 0 xxxxx 0 000 00 xxxxx xxxxx", "SHA1C", trans_sha1c, ARM_FEAT_SHA1),
    A64_INSN_F("01011110 00 0 xxxxx 0 001 00 xxxxx xxxxx", "SHA1P", trans_sha1p, ARM_FEAT_SHA1),
    A64_INSN_F("01011110 00 0 xxxxx 0 010 00 xxxxx xxxxx", "SHA1M", trans_sha1m, ARM_FEAT_SHA1),
    A64_INSN_F("01011110 00 0 xxxxx 0 011 00 xxxxx xxxxx", "SHA1SU0", trans_sha1su0, ARM_FEAT_SHA1),
    A64_INSN_F("01011110 00 0 xxxxx 0 100 00 xxxxx xxxxx", "SHA256H", trans_sha256h,
               ARM_FEAT_SHA256),
    A64_INSN_F("01011110 00 0 xxxxx 0 101 00 xxxxx xxxxx", "SHA256H2", trans_sha256h2,
               ARM_FEAT_SHA256),
    A64_INSN_F("01011110 00 0 xxxxx 0 110 00 xxxxx xxxxx", "SHA256SU1", trans_sha256su1,
               ARM_FEAT_SHA256),
    /* two-register SHA: 0101 1110 size 10100 opcode 10 Rn Rd (size 00) */
    A64_INSN_F("01011110 00 10100 00000 10 xxxxx xxxxx", "SHA1H", trans_sha1h, ARM_FEAT_SHA1),
    A64_INSN_F("01011110 00 10100 00001 10 xxxxx xxxxx", "SHA1SU1", trans_sha1su1, ARM_FEAT_SHA1),
    A64_INSN_F("01011110 00 10100 00010 10 xxxxx xxxxx", "SHA256SU0", trans_sha256su0,
               ARM_FEAT_SHA256),
};
A64_DECODE_TABLE(crypto_table)

ARM_FEATURE_BUILT(ARM_FEAT_AES)
ARM_FEATURE_BUILT(ARM_FEAT_PMULL)
ARM_FEATURE_BUILT(ARM_FEAT_SHA1)
ARM_FEATURE_BUILT(ARM_FEAT_SHA256)
