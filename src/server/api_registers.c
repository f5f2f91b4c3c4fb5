/* server/api_registers.c — the registers of Decree 30 Appendix IV (outgoing, incoming,
 * follow-up) and the copy register, as filtered lists and as files (format=csv|xlsx|pdf); the
 * columns and the exports are in register_kinds.c and register_export.c. */
#include "registers.h"

int api_reg_outgoing(kysod_req *r)
{
    return reg_answer(r, &REG_OUTGOING);
}

int api_reg_incoming(kysod_req *r)
{
    return reg_answer(r, &REG_INCOMING);
}

int api_reg_followup(kysod_req *r)
{
    return reg_answer(r, &REG_FOLLOWUP);
}

int api_reg_copies(kysod_req *r)
{
    return reg_answer(r, &REG_COPIES);
}
