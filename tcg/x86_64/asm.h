/*
 * asm.h — x86-64 instruction encoding for the backend: prefixes, REX,
 * ModRM/SIB addressing, VEX (BMI1/BMI2), and the opcodes the backend uses.
 * Encodings follow the Intel SDM volume 2 opcode tables. An opcode value is
 * the final opcode byte plus flag bits naming its prefixes/escapes.
 */
#ifndef FERRY_TCG_X86_64_ASM_H
#define FERRY_TCG_X86_64_ASM_H

#include "tcg/backend.h"

enum {
    RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
    R8, R9, R10, R11, R12, R13, R14, R15,
};

/* Opcode flags */
#define P_0F     0x100
#define P_0F38   0x200
#define P_0F3A   0x400
#define P_66     0x800      /* operand-size / SSE prefix */
#define P_F3     0x1000
#define P_F2     0x2000
#define P_W      0x4000     /* REX.W: 64-bit operand */
#define P_BYTER  0x8000     /* the reg field is a byte register */
#define P_BYTERM 0x10000    /* the r/m field is a byte register */

/* ALU group (ext field / opcode base) */
enum { ALU_ADD = 0, ALU_OR = 1, ALU_ADC = 2, ALU_SBB = 3, ALU_AND = 4, ALU_SUB = 5,
       ALU_XOR = 6, ALU_CMP = 7 };
#define OPC_ALU_EvGv(ext) (((ext) << 3) | 0x01)   /* op r/m, r */
#define OPC_ALU_GvEv(ext) (((ext) << 3) | 0x03)   /* op r, r/m */
#define OPC_ALU_EvIz 0x81
#define OPC_ALU_EvIb 0x83
#define OPC_MOV_EvGv 0x89
#define OPC_MOV_GvEv 0x8b
#define OPC_MOVB_EvGv (0x88 | P_BYTER)
#define OPC_MOV_Iv 0xb8
#define OPC_MOV_EvIz 0xc7
#define OPC_LEA 0x8d
#define OPC_IMUL_GvEv (0xaf | P_0F)
#define OPC_IMUL_GvEvIz 0x69
#define OPC_IMUL_GvEvIb 0x6b
#define OPC_SHIFT_1 0xd1
#define OPC_SHIFT_Ib 0xc1
#define OPC_SHIFT_CL 0xd3
enum { SH_ROL = 0, SH_ROR = 1, SH_SHL = 4, SH_SHR = 5, SH_SAR = 7 };
#define OPC_GRP3 0xf7
enum { G3_TEST = 0, G3_NOT = 2, G3_NEG = 3, G3_MUL = 4, G3_IMUL = 5, G3_DIV = 6, G3_IDIV = 7 };
#define OPC_GRP5 0xff
enum { G5_INC = 0, G5_DEC = 1, G5_CALL = 2, G5_JMP = 4 };
#define OPC_MOVZBL (0xb6 | P_0F | P_BYTERM)
#define OPC_MOVZWL (0xb7 | P_0F)
#define OPC_MOVSBL (0xbe | P_0F | P_BYTERM)
#define OPC_MOVSWL (0xbf | P_0F)
#define OPC_MOVSLQ (0x63 | P_W)
#define OPC_BSWAP (0xc8 | P_0F)
#define OPC_LZCNT (0xbd | P_0F | P_F3)
#define OPC_TZCNT (0xbc | P_0F | P_F3)
#define OPC_POPCNT (0xb8 | P_0F | P_F3)
#define OPC_BSF (0xbc | P_0F)
#define OPC_BSR (0xbd | P_0F)
#define OPC_CMOVCC (0x40 | P_0F)
#define OPC_SETCC (0x90 | P_0F | P_BYTERM)
#define OPC_JCC_LONG (0x80 | P_0F)
#define OPC_JCC_SHORT 0x70
#define OPC_JMP_LONG 0xe9
#define OPC_JMP_SHORT 0xeb
#define OPC_CALL_JZ 0xe8
#define OPC_TEST_EvGv 0x85
#define OPC_XCHG 0x87
#define OPC_SHLD_Ib (0xa4 | P_0F)
#define OPC_SHRD_Ib (0xac | P_0F)
#define OPC_CQO (0x99 | P_W)
#define OPC_CDQ 0x99
#define OPC_ANDN (0xf2 | P_0F38)
#define OPC_SHLX (0xf7 | P_0F38 | P_66)
#define OPC_SARX (0xf7 | P_0F38 | P_F3)
#define OPC_SHRX (0xf7 | P_0F38 | P_F2)
#define OPC_MOVBE_GyMy (0xf0 | P_0F38)
#define OPC_MOVBE_MyGy (0xf1 | P_0F38)
/* SSE2 */
#define OPC_MOVQ_VqWq (0x7e | P_0F | P_F3)    /* movq xmm, xmm/m64 */
#define OPC_MOVQ_WqVq (0xd6 | P_0F | P_66)    /* movq xmm/m64, xmm */
#define OPC_MOVDQU_VxWx (0x6f | P_0F | P_F3)
#define OPC_MOVDQU_WxVx (0x7f | P_0F | P_F3)
#define OPC_MOVD_VyEy (0x6e | P_0F | P_66)    /* + P_W: movq xmm, r64 */
#define OPC_PAND (0xdb | P_0F | P_66)
#define OPC_PANDN (0xdf | P_0F | P_66)
#define OPC_POR (0xeb | P_0F | P_66)
#define OPC_PXOR (0xef | P_0F | P_66)
#define OPC_PADDB (0xfc | P_0F | P_66)
#define OPC_PADDW (0xfd | P_0F | P_66)
#define OPC_PADDD (0xfe | P_0F | P_66)
#define OPC_PADDQ (0xd4 | P_0F | P_66)
#define OPC_PSUBB (0xf8 | P_0F | P_66)
#define OPC_PSUBW (0xf9 | P_0F | P_66)
#define OPC_PSUBD (0xfa | P_0F | P_66)
#define OPC_PSUBQ (0xfb | P_0F | P_66)
#define OPC_PCMPEQD (0x76 | P_0F | P_66)
#define OPC_PUNPCKLBW (0x60 | P_0F | P_66)
#define OPC_PUNPCKLWD (0x61 | P_0F | P_66)
#define OPC_PUNPCKLQDQ (0x6c | P_0F | P_66)
#define OPC_PSHUFD (0x70 | P_0F | P_66)

/* x86 condition codes (the low nibble of Jcc/SETcc/CMOVcc) */
enum { CC_O = 0, CC_NO, CC_B, CC_AE, CC_E, CC_NE, CC_BE, CC_A, CC_S, CC_NS, CC_P, CC_NP,
       CC_L, CC_GE, CC_LE, CC_G };

static inline void x_prefix(Gen *g, int opc, int r, int rm, int index)
{
    int rex = 0;
    if (opc & P_66)
        gen_u8(g, 0x66);
    if (opc & P_F3)
        gen_u8(g, 0xf3);
    if (opc & P_F2)
        gen_u8(g, 0xf2);
    if (opc & P_W)
        rex |= 8;
    rex |= (r & 8) >> 1;
    if (index > 0)
        rex |= (index & 8) >> 2;
    rex |= (rm & 8) >> 3;
    bool force = ((opc & P_BYTER) && r >= 4 && r < 8) || ((opc & P_BYTERM) && rm >= 4 && rm < 8);
    if (rex || force)
        gen_u8(g, (uint8_t)(0x40 | rex));
    if (opc & (P_0F | P_0F38 | P_0F3A))
        gen_u8(g, 0x0f);
    if (opc & P_0F38)
        gen_u8(g, 0x38);
    if (opc & P_0F3A)
        gen_u8(g, 0x3a);
    gen_u8(g, (uint8_t)opc);
}

/* Register-direct ModRM form. */
static inline void x_rr(Gen *g, int opc, int r, int rm)
{
    x_prefix(g, opc, r, rm, -1);
    gen_u8(g, (uint8_t)(0xc0 | (r & 7) << 3 | (rm & 7)));
}

/* [base + index << shift + disp]; index < 0: none. */
static inline void x_mem(Gen *g, int opc, int r, int base, int index, int shift, int32_t disp)
{
    x_prefix(g, opc, r, base, index);
    int mod = (disp == 0 && (base & 7) != RBP) ? 0 : (disp >= -128 && disp <= 127) ? 1 : 2;
    if (index < 0 && (base & 7) != RSP) {
        gen_u8(g, (uint8_t)(mod << 6 | (r & 7) << 3 | (base & 7)));
    } else {
        int idx = index < 0 ? 4 : (index & 7);
        gen_u8(g, (uint8_t)(mod << 6 | (r & 7) << 3 | 4));
        gen_u8(g, (uint8_t)(shift << 6 | idx << 3 | (base & 7)));
    }
    if (mod == 1)
        gen_u8(g, (uint8_t)disp);
    else if (mod == 2)
        gen_u32(g, (uint32_t)disp);
}

static inline void x_mem_bd(Gen *g, int opc, int r, int base, int32_t disp)
{
    x_mem(g, opc, r, base, -1, 0, disp);
}

/* VEX-encoded three-register form: r = op(v, rm). */
static inline void x_vex_rr(Gen *g, int opc, int r, int v, int rm)
{
    int mmmmm = (opc & P_0F3A) ? 3 : (opc & P_0F38) ? 2 : 1;
    int pp = (opc & P_66) ? 1 : (opc & P_F3) ? 2 : (opc & P_F2) ? 3 : 0;
    gen_u8(g, 0xc4);
    gen_u8(g, (uint8_t)(((r & 8) ? 0 : 0x80) | 0x40 | ((rm & 8) ? 0 : 0x20) | mmmmm));
    gen_u8(g, (uint8_t)(((opc & P_W) ? 0x80 : 0) | ((~v & 15) << 3) | pp));
    gen_u8(g, (uint8_t)opc);
    gen_u8(g, (uint8_t)(0xc0 | (r & 7) << 3 | (rm & 7)));
}

static inline bool fits_i8(int64_t v) { return v == (int8_t)v; }
static inline bool fits_i32(int64_t v) { return v == (int32_t)v; }

/* Host CPU features the backend uses when present (cpuid, once). */
typedef struct X86Features {
    bool bmi1, bmi2, lzcnt, popcnt, movbe;
} X86Features;
extern X86Features x86_features;
/* Tests: turn optional features off to cover the fallback sequences. */
void x86_backend_set_features(const X86Features *f);

#endif
