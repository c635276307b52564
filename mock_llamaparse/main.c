/* mock_llamaparse: a fake LlamaParse (LlamaCloud parsing) API for tests. */
#include "lp_server.h"

int main(int argc, char **argv)
{
    return mock_server_main(&lp_kind, argc, argv);
}
