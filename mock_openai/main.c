/* mock_openai: a fake OpenAI API (embeddings, chat, models) for tests. */
#include "oa_server.h"

int main(int argc, char **argv)
{
    return mock_server_main(&oa_kind, argc, argv);
}
