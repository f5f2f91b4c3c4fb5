/* verify/change_groups.c — orders a signature's changes for the human renderers (text, HTML):
 * disallowed changes first, one per line; allowed changes of the same revision and kind
 * gathered into one line. The JSON renderer keeps every change as recorded. */
#include <stdlib.h>
#include <string.h>

#include "labels.h"

static bool same_kind(const ks_verify_change *a, const ks_verify_change *b)
{
    return a->allowed && b->allowed && a->revision == b->revision && a->what && b->what &&
           strcmp(a->what, b->what) == 0;
}

bool ks_vf_change_groups(const ks_verify_sig *s, ks_vf_change_groups_t *g)
{
    memset(g, 0, sizeof *g);
    size_t n = s->nchanges;
    if (!n)
        return true;
    g->idx = malloc(n * sizeof *g->idx);
    g->start = malloc((n + 1) * sizeof *g->start);
    bool *used = calloc(n, sizeof *used);
    if (!g->idx || !g->start || !used) {
        free(used);
        ks_vf_change_groups_free(g);
        return false;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!s->changes[i].allowed) {
            used[i] = true;
            g->start[g->n++] = k;
            g->idx[k++] = i;
        }
    /* O(n^2) over the changes of one signature: bounded by the objects of the file's later
     * revisions, small next to the diff that produced them. */
    for (size_t i = 0; i < n; i++) {
        if (used[i])
            continue;
        g->start[g->n++] = k;
        for (size_t j = i; j < n; j++)
            if (!used[j] && (j == i || same_kind(&s->changes[i], &s->changes[j]))) {
                used[j] = true;
                g->idx[k++] = j;
            }
    }
    g->start[g->n] = k;
    free(used);
    return true;
}

void ks_vf_change_groups_free(ks_vf_change_groups_t *g)
{
    free(g->idx);
    free(g->start);
    memset(g, 0, sizeof *g);
}
