/* store/pq_lazy.h — libpq, loaded when a PostgreSQL database is first opened (util/dynlib.h),
 * so that kyso and a SQLite kysod never load it. db_pg.c includes it in place of <libpq-fe.h>;
 * ks_pq_load() runs before PQconnectdb, and every other function takes its connection. */
#ifndef KYSO_STORE_PQ_LAZY_H
#define KYSO_STORE_PQ_LAZY_H

#include <libpq-fe.h>

#include "dynlib.h"

#define KS_PQ_SYMBOLS(X)                                                                           \
    X(PQclear)                                                                                     \
    X(PQcmdTuples)                                                                                 \
    X(PQconnectdb)                                                                                 \
    X(PQerrorMessage)                                                                              \
    X(PQexec)                                                                                      \
    X(PQexecPrepared)                                                                              \
    X(PQfinish)                                                                                    \
    X(PQfname)                                                                                     \
    X(PQgetisnull)                                                                                 \
    X(PQgetvalue)                                                                                  \
    X(PQnfields)                                                                                   \
    X(PQntuples)                                                                                   \
    X(PQprepare)                                                                                   \
    X(PQresultErrorField)                                                                          \
    X(PQresultErrorMessage)                                                                        \
    X(PQresultStatus)                                                                              \
    X(PQstatus)                                                                                    \
    X(PQsetNoticeProcessor)
KS_DL_DECLARE(ks_pq, KS_PQ_SYMBOLS);

#define PQclear KS_DL_FN(ks_pq, PQclear)
#define PQcmdTuples KS_DL_FN(ks_pq, PQcmdTuples)
#define PQconnectdb KS_DL_FN(ks_pq, PQconnectdb)
#define PQerrorMessage KS_DL_FN(ks_pq, PQerrorMessage)
#define PQexec KS_DL_FN(ks_pq, PQexec)
#define PQexecPrepared KS_DL_FN(ks_pq, PQexecPrepared)
#define PQfinish KS_DL_FN(ks_pq, PQfinish)
#define PQfname KS_DL_FN(ks_pq, PQfname)
#define PQgetisnull KS_DL_FN(ks_pq, PQgetisnull)
#define PQgetvalue KS_DL_FN(ks_pq, PQgetvalue)
#define PQnfields KS_DL_FN(ks_pq, PQnfields)
#define PQntuples KS_DL_FN(ks_pq, PQntuples)
#define PQprepare KS_DL_FN(ks_pq, PQprepare)
#define PQresultErrorField KS_DL_FN(ks_pq, PQresultErrorField)
#define PQresultErrorMessage KS_DL_FN(ks_pq, PQresultErrorMessage)
#define PQresultStatus KS_DL_FN(ks_pq, PQresultStatus)
#define PQstatus KS_DL_FN(ks_pq, PQstatus)
#define PQsetNoticeProcessor KS_DL_FN(ks_pq, PQsetNoticeProcessor)

#endif
