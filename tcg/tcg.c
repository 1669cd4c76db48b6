/*
 * tcg.c — glue between the IR and the code generators: backend selection,
 * the optimize → liveness → codegen pipeline, and the instruction table
 * each generated block carries.
 */
#include "tcg/tcg.h"

#include "core/log.h"
#include "tcg/backend.h"
#include "tcg/codebuf.h"

static const TCGCodegen *default_cg;

const TCGCodegen *tcg_codegen_find(const char *name)
{
    const TCGCodegen *native = tcg_codegen_native();
    if (!strcmp(name, "interp"))
        return &tcg_codegen_interp;
    if (native && !strcmp(name, "native"))
        return native;
    const TCGBackend *be = tcg_backend_host();
    if (native && be && !strcmp(name, be->name))
        return native;
    return NULL;
}

int tcg_select_backend(const char *name, Error **errp)
{
    const TCGCodegen *cg = tcg_codegen_find(name);
    if (!cg) {
        const TCGCodegen *native = tcg_codegen_native();
        const TCGBackend *be = tcg_backend_host();
        error_setg(errp, "tcg backend '%s' is not available (valid: interp%s%s)", name,
                   native ? ", native, " : "", native && be ? be->name : "");
        return -1;
    }
    default_cg = cg;
    return 0;
}

const TCGCodegen *tcg_default_codegen(void)
{
    if (!default_cg) {
        const TCGCodegen *native = tcg_codegen_native();
        default_cg = native ? native : &tcg_codegen_interp;
    }
    return default_cg;
}

void tcg_insn_start(TCGContext *s, uint32_t code_off, const uint64_t *words)
{
    if (s->nb_insns == s->insn_cap) {
        s->insn_cap = s->insn_cap ? s->insn_cap * 2 : 64;
        s->insn_end_off = xrealloc(s->insn_end_off, s->insn_cap * sizeof(*s->insn_end_off));
        s->insn_data = xrealloc(s->insn_data, s->insn_cap * sizeof(*s->insn_data));
    }
    if (s->nb_insns)
        s->insn_end_off[s->nb_insns - 1] = code_off;
    memcpy(s->insn_data[s->nb_insns], words, sizeof(s->insn_data[0]));
    s->nb_insns++;
}

void tcg_insn_end(TCGContext *s, uint32_t code_size)
{
    if (s->nb_insns)
        s->insn_end_off[s->nb_insns - 1] = code_size;
}

static uint32_t count_ops(TCGContext *s)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->nb_ops; i++)
        n += s->ops[i].opc != INDEX_op_nop;
    return n;
}

int tcg_gen_code(TCGContext *s, TCGGenResult *res)
{
    CodeBuf *cb = s->cb;
    s->ops_before_opt = count_ops(s);
    if (log_enabled(LOG_OP)) {
        log_printf("OP:\n");
        tcg_dump_ops(s, log_file(), false);
    }
    if (s->optimize)
        tcg_optimize(s);
    if (s->cg->lower)
        s->cg->lower(s);
    tcg_liveness(s);
    s->ops_after_opt = count_ops(s);
    if (log_enabled(LOG_OP)) {
        log_printf("OP after optimization and liveness analysis:\n");
        tcg_dump_ops(s, log_file(), true);
        log_printf("\n");
    }

    s->nb_insns = 0;
    s->goto_tb_off[0] = s->goto_tb_off[1] = UINT32_MAX;
    s->goto_tb_reset[0] = s->goto_tb_reset[1] = UINT32_MAX;
    cb->used = ALIGN_UP(cb->used, 16);
    if (cb->used >= cb->size)
        return -1;
    uint8_t *rw = codebuf_ptr(cb);
    codebuf_write_begin(cb);
    long size = s->cg->gen(s, rw, codebuf_avail(cb));
    codebuf_write_end(cb);
    if (size < 0)
        return -1;
    res->code = codebuf_rx(cb, rw);
    res->size = (size_t)size;
    cb->used += (size_t)size;
    codebuf_sync(cb, res->code, res->size);
    if (log_enabled(LOG_OUT_ASM)) {
        const TCGBackend *be = tcg_backend_host();
        log_printf("OUT: [size=%zu]\n", res->size);
        if (s->cg != &tcg_codegen_interp && be)
            log_disas(be->disas_arch, res->code, res->size, (uintptr_t)res->code);
        else
            log_printf("  (interpreter bytecode, %zu words)\n", res->size / 8);
        log_printf("\n");
    }
    return 0;
}

