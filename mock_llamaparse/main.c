/* mock_llamaparse: a fake LlamaParse (LlamaCloud parsing) API for tests. */
#include <stdio.h>

#include "lp_server.h"

int main(int argc, char **argv)
{
    char err[512];
    int rc;
    app_block_signals();
    lp_server *l = lp_server_new(argc, argv, true, &rc, err, sizeof err);
    if (!l) {
        if (*err)
            fprintf(stderr, "mock_llamaparse: %s\n", err);
        return rc;
    }
    rc = app_run(lp_server_common(l), lp_server_config(l));
    lp_server_free(l);
    return rc;
}
