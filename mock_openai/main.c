/* mock_openai: a fake OpenAI API (embeddings, chat, models) for tests. */
#include <stdio.h>

#include "oa_server.h"

int main(int argc, char **argv)
{
    char err[512];
    int rc;
    app_block_signals();
    oa_server *o = oa_server_new(argc, argv, true, &rc, err, sizeof err);
    if (!o) {
        if (*err)
            fprintf(stderr, "mock_openai: %s\n", err);
        return rc;
    }
    rc = app_run(oa_server_common(o), oa_server_config(o));
    oa_server_free(o);
    return rc;
}
