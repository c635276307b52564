/* Azure's deployments (--azure-deployment) and api-version rules. */
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "oa_azure.h"
#include "oa_azure_internal.h"

static oa_ctx ctx;

static bool load(const char *const *specs, size_t n, char *err, size_t errlen)
{
    cli_list l = {0};
    l.items = (const char **)specs; /* read only */
    l.n = n;
    ck_assert(oa_ctx_models(&ctx, NULL, err, errlen));
    return oa_azure_deployments(&ctx, &l, err, errlen);
}

START_TEST(deployment_decides_model)
{
    const char *specs[] = {"prod=gpt-4o-mini", "gpt-4o=text-embedding-3-large", "e=text-embedding-3-small"};
    char err[200];
    ck_assert(load(specs, 3, err, sizeof err));
    ck_assert_str_eq(oa_azure_model(&ctx, "prod")->id, "gpt-4o-mini");
    /* a configured name wins over a model of that name */
    ck_assert_str_eq(oa_azure_model(&ctx, "gpt-4o")->id, "text-embedding-3-large");
    /* a model's own name serves it */
    ck_assert_str_eq(oa_azure_model(&ctx, "gpt-4.1")->id, "gpt-4.1");
    ck_assert_ptr_null(oa_azure_model(&ctx, "nope"));
    ck_assert_ptr_null(oa_azure_model(&ctx, ""));
}
END_TEST

static const char *const bad_specs[] = {"noequals", "=gpt-4o", "x=", "x=no-such-model",
    "a-name-longer-than-the-field-allows-a-name-longer-than-the-field-allows-a-name-longer-than-the-field=gpt-4o"};

START_TEST(bad_deployment)
{
    char err[200] = "";
    ck_assert(!load(&bad_specs[_i], 1, err, sizeof err));
    ck_assert_msg(strstr(err, "invalid Azure deployment") != NULL, "%s", err);
}
END_TEST

START_TEST(too_many_deployments)
{
    static char names[OA_MAX_DEPLOYMENTS + 1][32];
    static const char *specs[OA_MAX_DEPLOYMENTS + 1];
    for (int i = 0; i <= OA_MAX_DEPLOYMENTS; i++) {
        snprintf(names[i], sizeof names[i], "d%d=gpt-4o", i);
        specs[i] = names[i];
    }
    char err[200];
    ck_assert(load(specs, OA_MAX_DEPLOYMENTS, err, sizeof err));
    ck_assert(!load(specs, OA_MAX_DEPLOYMENTS + 1, err, sizeof err));
    ck_assert_msg(strstr(err, "too many Azure deployments") != NULL, "%s", err);
}
END_TEST

START_TEST(api_versions)
{
    /* deployment paths: a dated version, required */
    ck_assert(oa_azure_version_ok("2024-10-21", false));
    ck_assert(oa_azure_version_ok("2025-03-01-preview", false));
    ck_assert(!oa_azure_version_ok(NULL, false));
    ck_assert(!oa_azure_version_ok("", false));
    ck_assert(!oa_azure_version_ok("v1", false));
    ck_assert(!oa_azure_version_ok("2024-10-22", false));
    /* v1 paths: optional, its own names or a dated one */
    ck_assert(oa_azure_version_ok(NULL, true));
    ck_assert(oa_azure_version_ok("v1", true));
    ck_assert(oa_azure_version_ok("preview", true));
    ck_assert(oa_azure_version_ok("latest", true));
    ck_assert(oa_azure_version_ok("2024-10-21", true));
    ck_assert(!oa_azure_version_ok("v2", true));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("azure");
    TCase *t = tcase_create("core");
    tcase_add_test(t, deployment_decides_model);
    tcase_add_loop_test(t, bad_deployment, 0, sizeof bad_specs / sizeof bad_specs[0]);
    tcase_add_test(t, too_many_deployments);
    tcase_add_test(t, api_versions);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
