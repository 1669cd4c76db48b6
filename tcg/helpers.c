/*
 * helpers.c — runtime helpers generated code calls that belong to the
 * translator itself (not to a guest): the jump-cache lookup behind
 * ir_lookup_and_goto_ptr.
 */
#include "tcg/codegen.h"

static uint64_t helper_lookup_tb(void *env)
{
    (void)env;
    fprintf(stderr, "ferry: lookup_and_goto_ptr: block cache not implemented yet\n");
    abort();
}

const TCGHelper tcg_helper_lookup_tb = TCG_HELPER(helper_lookup_tb, TCG_I64,
                                                  TCG_CALL_NO_WRITE_G | TCG_CALL_NO_SE);
