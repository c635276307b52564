/* The model catalogue: built-in entries and their snapshots, --models
 * entries that add or override, --model SPECs, and the errors for bad ones. */
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "oa_catalog.h"

static oa_ctx ctx;

static void setup(void)
{
    char err[300];
    memset(&ctx, 0, sizeof ctx);
    ck_assert_msg(oa_ctx_models(&ctx, NULL, err, sizeof err), "%s", err);
}

static const oa_model *find(const char *id)
{
    const oa_model *m = oa_model_find(&ctx, id);
    ck_assert_msg(m != NULL, "%s is not in the catalogue", id);
    return m;
}

/* alias, the snapshot answers carry, kind, context, output limit, tokenizer */
static const struct {
    const char *id, *snapshot;
    oa_model_kind kind;
    long context, max_output;
    oa_bpe_enc enc;
} known[] = {
    {"gpt-4o-mini", "gpt-4o-mini-2024-07-18", OA_KIND_CHAT, 128000, 16384, OA_BPE_O200K},
    {"gpt-4o", "gpt-4o-2024-08-06", OA_KIND_CHAT, 128000, 16384, OA_BPE_O200K},
    {"gpt-4o-2024-05-13", "gpt-4o-2024-05-13", OA_KIND_CHAT, 128000, 4096, OA_BPE_O200K},
    {"gpt-4.1-nano", "gpt-4.1-nano-2025-04-14", OA_KIND_CHAT, 1047576, 32768, OA_BPE_O200K},
    {"gpt-4", "gpt-4-0613", OA_KIND_CHAT, 8192, 8192, OA_BPE_CL100K},
    {"gpt-4-turbo", "gpt-4-turbo-2024-04-09", OA_KIND_CHAT, 128000, 4096, OA_BPE_CL100K},
    {"gpt-3.5-turbo", "gpt-3.5-turbo-0125", OA_KIND_CHAT, 16385, 4096, OA_BPE_CL100K},
    {"chatgpt-4o-latest", "chatgpt-4o-latest", OA_KIND_CHAT, 128000, 16384, OA_BPE_O200K},
    {"gpt-5", "gpt-5-2025-08-07", OA_KIND_REASONING, 400000, 128000, OA_BPE_O200K},
    {"gpt-5-mini", "gpt-5-mini-2025-08-07", OA_KIND_REASONING, 400000, 128000, OA_BPE_O200K},
    {"gpt-5.1", "gpt-5.1-2025-11-13", OA_KIND_REASONING, 400000, 128000, OA_BPE_O200K},
    {"o1", "o1-2024-12-17", OA_KIND_REASONING, 200000, 100000, OA_BPE_O200K},
    {"o3-mini", "o3-mini-2025-01-31", OA_KIND_REASONING, 200000, 100000, OA_BPE_O200K},
    {"o4-mini", "o4-mini-2025-04-16", OA_KIND_REASONING, 200000, 100000, OA_BPE_O200K},
    {"gpt-3.5-turbo-instruct", "gpt-3.5-turbo-instruct", OA_KIND_COMPLETION, 4096, 4096, OA_BPE_CL100K},
    {"davinci-002", "davinci-002", OA_KIND_COMPLETION, 16384, 16384, OA_BPE_CL100K},
};

START_TEST(aliases_resolve_to_snapshots)
{
    const oa_model *m = find(known[_i].id);
    ck_assert_str_eq(m->snapshot, known[_i].snapshot);
    ck_assert_int_eq(m->kind, known[_i].kind);
    ck_assert_int_eq(m->context, known[_i].context);
    ck_assert_int_eq(m->max_output, known[_i].max_output);
    ck_assert_int_eq(m->enc, known[_i].enc);
    /* the snapshot is a catalogue entry of its own, naming itself */
    const oa_model *s = find(known[_i].snapshot);
    ck_assert_str_eq(s->snapshot, s->id);
    ck_assert_int_eq(s->kind, m->kind);
}
END_TEST

START_TEST(embeddings_and_efforts)
{
    ck_assert_uint_eq(find("text-embedding-3-large")->dims, 3072);
    ck_assert(!find("text-embedding-ada-002")->shortenable);
    ck_assert_int_eq(find("text-embedding-3-small")->kind, OA_KIND_EMBEDDING);
    const oa_model *g5 = find("gpt-5"), *g51 = find("gpt-5.1"), *o1 = find("o1");
    ck_assert(g5->efforts & 1u << OA_EFFORT_MINIMAL);
    ck_assert(!(g5->efforts & 1u << OA_EFFORT_NONE));
    ck_assert(g51->efforts & 1u << OA_EFFORT_NONE);
    ck_assert(!(g51->efforts & 1u << OA_EFFORT_MINIMAL));
    ck_assert(!(o1->efforts & 1u << OA_EFFORT_MINIMAL));
    ck_assert(g5->verbosity && !o1->verbosity && !find("gpt-4o")->verbosity);
    ck_assert_uint_eq(find("o1-mini")->efforts, 0); /* o1-mini refuses reasoning_effort */
    ck_assert(oa_model_is_chat(g5) && oa_model_is_chat(find("gpt-4o")));
    ck_assert(!oa_model_is_chat(find("davinci-002")) && !oa_model_is_chat(find("text-embedding-3-small")));
    ck_assert(oa_model_find(&ctx, "gpt-9") == NULL);
}
END_TEST

static bool load(const char *json, char *err, size_t errlen)
{
    return oa_catalog_load_json(&ctx, json, strlen(json), "test", err, errlen);
}

START_TEST(file_entries_add_and_override)
{
    char err[300];
    size_t before = ctx.nmodels;
    ck_assert_msg(load("[{\"id\":\"gpt-4o\",\"context\":8000},"
                       "{\"id\":\"my-chat\",\"kind\":\"chat\",\"context\":32000,\"max_output\":1000,\"encoding\":\"cl100k\"},"
                       "{\"id\":\"my-alias\",\"snapshot\":\"o3-2025-04-16\"},"
                       "{\"id\":\"my-embed\",\"kind\":\"embedding\",\"dims\":64,\"shortenable\":false}]",
                       err, sizeof err),
                  "%s", err);
    ck_assert_uint_eq(ctx.nmodels, before + 3);
    const oa_model *g = find("gpt-4o");
    ck_assert_int_eq(g->context, 8000);
    ck_assert_int_eq(g->max_output, 8000); /* shrunk with the window */
    ck_assert_str_eq(g->snapshot, "gpt-4o-2024-08-06");
    const oa_model *c = find("my-chat");
    ck_assert_str_eq(c->snapshot, "my-chat");
    ck_assert_int_eq(c->enc, OA_BPE_CL100K);
    ck_assert_int_eq(c->max_output, 1000);
    const oa_model *a = find("my-alias");
    ck_assert_int_eq(a->kind, OA_KIND_REASONING);
    ck_assert_str_eq(a->snapshot, "o3-2025-04-16");
    ck_assert_int_eq(a->context, 200000);
    ck_assert_uint_eq(find("my-embed")->dims, 64);
}
END_TEST

static const char *bad_files[][2] = {
    {"{\"id\":\"x\"}", "test: expected a JSON list of model objects"},
    {"[1]", "test: entry 0: expected an object"},
    {"[{\"kind\":\"chat\"}]", "test: entry 0: 'id' must be a string"},
    {"[{\"id\":\"x\"}]", "test: entry 0 (\"x\"): needs a 'kind'"},
    {"[{\"id\":\"x\",\"kind\":\"robot\"}]", "test: entry 0 (\"x\"): 'kind' must be chat, reasoning"},
    {"[{\"id\":\"x\",\"kind\":\"chat\",\"contxt\":5}]", "test: entry 0 (\"x\"): unknown field 'contxt'"},
    {"[{\"id\":\"x\",\"kind\":\"chat\",\"context\":-5}]", "test: entry 0 (\"x\"): 'context' must be a whole number"},
    {"[{\"id\":\"x\",\"kind\":\"chat\",\"encoding\":\"p50k\"}]", "test: entry 0 (\"x\"): 'encoding' must be"},
    {"[{\"id\":\"x\",\"kind\":\"chat\",\"dims\":8}]", "test: entry 0 (\"x\"): 'dims' is only for embedding models"},
    {"[{\"id\":\"x\",\"kind\":\"embedding\",\"dims\":5000}]", "test: entry 0 (\"x\"): 'dims' must be a whole number"},
    {"[{\"id\":\"x\",\"kind\":\"reasoning\",\"efforts\":[\"huge\"]}]", "test: entry 0 (\"x\"): 'efforts' holds an unknown"},
    {"[{\"id\":\"x\",\"kind\":\"reasoning\",\"efforts\":[\"low\"],\"default_effort\":\"high\"}]",
     "test: entry 0 (\"x\"): 'default_effort' high is not in 'efforts'"},
    {"[{\"id\":\"ok\",\"kind\":\"chat\"},{\"id\":\"y\",\"snapshot\":\"nowhere\"}]", "test: entry 1 (\"y\"): needs a 'kind'"},
    {"[{\"id\":\"x\",\"kind\":\"chat\",\"context\":100,\"max_output\":200}]", "test: entry 0 (\"x\"): 'max_output' (200) is above"},
    {"not json", "test: expected a JSON list"},
};

START_TEST(bad_file_entries)
{
    char err[300] = "";
    ck_assert(!load(bad_files[_i][0], err, sizeof err));
    ck_assert_msg(strncmp(err, bad_files[_i][1], strlen(bad_files[_i][1])) == 0, "%s", err);
}
END_TEST

START_TEST(too_many_models)
{
    char err[300] = "", json[80];
    bool ok = true;
    for (int i = 0; ok && i <= OA_MAX_MODELS; i++) {
        snprintf(json, sizeof json, "[{\"id\":\"m%d\",\"kind\":\"chat\"}]", i);
        ok = load(json, err, sizeof err);
    }
    ck_assert(!ok);
    ck_assert_msg(strstr(err, "too many models (at most 256)") != NULL, "%s", err);
    ck_assert_uint_eq(ctx.nmodels, OA_MAX_MODELS);
}
END_TEST

START_TEST(model_specs)
{
    char err[300];
    ck_assert_msg(oa_catalog_add_spec(&ctx, "tiny:8", err, sizeof err), "%s", err);
    ck_assert_int_eq(find("tiny")->kind, OA_KIND_EMBEDDING);
    ck_assert_uint_eq(find("tiny")->dims, 8);
    ck_assert(oa_catalog_add_spec(&ctx, "text-embedding-3-small:256", err, sizeof err));
    ck_assert_uint_eq(find("text-embedding-3-small")->dims, 256);
    ck_assert(oa_catalog_add_spec(&ctx, "my-chat:chat", err, sizeof err));
    ck_assert_int_eq(find("my-chat")->context, 128000);
    ck_assert(oa_catalog_add_spec(&ctx, "my-think:reasoning:50000:2000", err, sizeof err));
    ck_assert_int_eq(find("my-think")->kind, OA_KIND_REASONING);
    ck_assert_int_eq(find("my-think")->context, 50000);
    ck_assert_int_eq(find("my-think")->max_output, 2000);
    ck_assert(oa_catalog_add_spec(&ctx, "ft:gpt-4o-mini:org::abc123:chat:64000", err, sizeof err));
    ck_assert_int_eq(find("ft:gpt-4o-mini:org::abc123")->context, 64000);
    ck_assert(oa_catalog_add_spec(&ctx, "gpt-4o:chat:9000", err, sizeof err));
    ck_assert_int_eq(find("gpt-4o")->context, 9000);
    ck_assert_str_eq(find("gpt-4o")->snapshot, "gpt-4o-2024-08-06");
    ck_assert(oa_catalog_add_spec(&ctx, "old:completion:2048", err, sizeof err));
    ck_assert_int_eq(find("old")->max_output, 2048);
}
END_TEST

static const char *bad_specs[] = {"big:3073", "nodims", "x:robot", ":chat", "gpt-4o:64", "x:chat:1:2:3:4", "x:0"};

START_TEST(bad_model_specs)
{
    char err[300] = "";
    ck_assert(!oa_catalog_add_spec(&ctx, bad_specs[_i], err, sizeof err));
    char want[80];
    snprintf(want, sizeof want, "invalid model '%s': expected NAME:DIMS with DIMS in 1..3072", bad_specs[_i]);
    ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);
}
END_TEST

START_TEST(effort_names)
{
    oa_effort e;
    ck_assert(oa_effort_parse("minimal", &e) && e == OA_EFFORT_MINIMAL);
    ck_assert(oa_effort_parse("max", &e) && e == OA_EFFORT_MAX);
    ck_assert(!oa_effort_parse("extreme", &e));
    ck_assert_str_eq(oa_effort_name(OA_EFFORT_XHIGH), "xhigh");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("catalog");
    TCase *t = tcase_create("core");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_loop_test(t, aliases_resolve_to_snapshots, 0, sizeof known / sizeof known[0]);
    tcase_add_test(t, embeddings_and_efforts);
    tcase_add_test(t, file_entries_add_and_override);
    tcase_add_loop_test(t, bad_file_entries, 0, sizeof bad_files / sizeof bad_files[0]);
    tcase_add_test(t, too_many_models);
    tcase_add_test(t, model_specs);
    tcase_add_loop_test(t, bad_model_specs, 0, sizeof bad_specs / sizeof bad_specs[0]);
    tcase_add_test(t, effort_names);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
