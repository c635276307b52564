/* The v1 upload form checked against the API spec's types and enums
 * (Body_upload_file_api_v1_parsing_upload_post): its 57 booleans, its
 * numbers, max_pages, tier, parse_mode, replace_failed_page_mode and each
 * language. Form values arrive as strings; a repeated field counts by its
 * last value (as FastAPI reads a non-list field), except language, a list
 * whose every value is checked. Unknown fields are accepted. */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lp_ctx.h"

static const char *const bools[] = {
    "adaptive_long_table", "annotate_links", "auto_mode", "auto_mode_trigger_on_image_in_page",
    "auto_mode_trigger_on_table_in_page", "compact_markdown_table", "disable_ocr", "disable_reconstruction",
    "disable_image_extraction", "do_not_cache", "do_not_unroll_columns", "extract_charts", "guess_xlsx_sheet_name",
    "high_res_ocr", "html_make_all_elements_visible", "layout_aware", "specialized_chart_parsing_agentic",
    "specialized_chart_parsing_plus", "specialized_chart_parsing_efficient", "specialized_image_parsing",
    "precise_bounding_box", "line_level_bounding_box", "html_remove_fixed_elements",
    "html_remove_navigation_elements", "invalidate_cache", "extract_layout", "merge_tables_across_pages_in_markdown",
    "outlined_table_extraction", "aggressive_table_extraction", "output_pdf_of_document",
    "preserve_layout_alignment_across_pages", "preserve_very_small_text", "skip_diagonal_text",
    "spreadsheet_extract_sub_tables", "spreadsheet_force_formula_computation", "inline_images_in_markdown",
    "structured_output", "take_screenshot", "strict_mode_image_extraction", "strict_mode_image_ocr",
    "strict_mode_reconstruction", "strict_mode_buggy_font", "save_images",
    "ignore_document_elements_for_layout_detection", "keep_page_separator_when_merging_tables",
    "output_tables_as_HTML", "use_vendor_multimodal_model", "gpt4o_mode", "premium_mode",
    "is_formatting_instruction", "continuous_mode", "fast_mode", "hide_headers", "hide_footers",
    "remove_hidden_text", "presentation_out_of_bounds_content", "extract_printed_page_number",
};

static const char *const numbers[] = {"bbox_bottom", "bbox_left", "bbox_right", "bbox_top", "page_error_tolerance",
                                      "job_timeout_in_seconds", "job_timeout_extra_time_per_page_in_seconds"};

static const char *const languages[] = {
    "af", "az", "bs", "cs", "cy", "da", "de", "en", "es", "et", "fr", "ga", "hr", "hu", "id", "is", "it", "ku",
    "la", "lt", "lv", "mi", "ms", "mt", "nl", "no", "oc", "pi", "pl", "pt", "ro", "rs_latin", "sk", "sl", "sq",
    "sv", "sw", "tl", "tr", "uz", "vi", "ar", "fa", "ug", "ur", "bn", "as", "mni", "ru", "rs_cyrillic", "be", "bg",
    "uk", "mn", "abq", "ady", "kbd", "ava", "dar", "inh", "che", "lbe", "lez", "tab", "tjk", "hi", "mr", "ne", "bh",
    "mai", "ang", "bho", "mah", "sck", "new", "gom", "sa", "bgc", "th", "ch_sim", "ch_tra", "ja", "ko", "ta", "te",
    "kn",
};

#define N(a) (sizeof a / sizeof a[0])

static bool one_of(const char *v, const char *const *set, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(v, set[i]))
            return true;
    }
    return false;
}

/* The spellings pydantic reads as a boolean. */
static bool is_bool(const char *v)
{
    static const char *const words[] = {"true", "false", "1", "0", "yes", "no", "on", "off", "t", "f", "y", "n"};
    for (size_t i = 0; i < N(words); i++) {
        if (!strcasecmp(v, words[i]))
            return true;
    }
    return false;
}

static bool is_number(const char *v)
{
    char *end;
    double d = strtod(v, &end);
    return *v && !*end && isfinite(d);
}

static const char *last(const cJSON *fields, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(fields, name);
    if (cJSON_IsArray(v))
        v = cJSON_GetArrayItem(v, cJSON_GetArraySize(v) - 1);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool check_scalars(srv_req *r, const cJSON *f)
{
    for (size_t i = 0; i < N(bools); i++) {
        const char *v = last(f, bools[i]);
        if (v && !is_bool(v)) {
            lp_unprocessable(r, "body", bools[i], "bool_parsing", "Input should be a valid boolean, unable to interpret input", v);
            return false;
        }
    }
    for (size_t i = 0; i < N(numbers); i++) {
        const char *v = last(f, numbers[i]);
        if (v && !is_number(v)) {
            lp_unprocessable(r, "body", numbers[i], "float_parsing", "Input should be a valid number, unable to parse string as a number", v);
            return false;
        }
    }
    const char *mp = last(f, "max_pages");
    char *end;
    if (mp && *mp && (strtol(mp, &end, 10) < 0 || *end)) {
        lp_unprocessable(r, "body", "max_pages", "int_parsing", "Input should be a valid integer, unable to parse string as an integer", mp);
        return false;
    }
    return true;
}

static bool check_enums(srv_req *r, const cJSON *f)
{
    static const char *const tiers[] = {"fast", "cost_effective", "agentic", "agentic_plus"};
    static const char *const modes[] = {"parse_page_without_llm", "parse_page_with_llm", "parse_page_with_lvm",
                                        "parse_page_with_agent", "parse_page_with_layout_agent", "parse_document_with_llm",
                                        "parse_document_with_lvm", "parse_document_with_agent"};
    static const char *const fail_modes[] = {"raw_text", "blank_page", "error_message"};
    const struct {
        const char *name, *msg;
        const char *const *set;
        size_t n;
    } enums[] = {
        {"tier", "Input should be 'fast', 'cost_effective', 'agentic' or 'agentic_plus'", tiers, N(tiers)},
        {"parse_mode",
         "Input should be 'parse_page_without_llm', 'parse_page_with_llm', 'parse_page_with_lvm', "
         "'parse_page_with_agent', 'parse_page_with_layout_agent', 'parse_document_with_llm', "
         "'parse_document_with_lvm' or 'parse_document_with_agent'",
         modes, N(modes)},
        {"replace_failed_page_mode", "Input should be 'raw_text', 'blank_page' or 'error_message'", fail_modes, N(fail_modes)},
    };
    for (size_t i = 0; i < N(enums); i++) {
        const char *v = last(f, enums[i].name);
        if (v && !one_of(v, enums[i].set, enums[i].n)) {
            lp_unprocessable(r, "body", enums[i].name, "enum", enums[i].msg, v);
            return false;
        }
    }
    return true;
}

/* Each language value; a value may also hold several, comma-separated. */
static bool check_languages(srv_req *r, const cJSON *f)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(f, "language");
    const cJSON *one = cJSON_IsArray(v) ? v->child : v;
    for (; one; one = cJSON_IsArray(v) ? one->next : NULL) {
        if (!cJSON_IsString(one))
            continue;
        char copy[256], *save = NULL;
        snprintf(copy, sizeof copy, "%s", one->valuestring);
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            while (*t == ' ')
                t++;
            if (!one_of(t, languages, N(languages))) {
                lp_unprocessable(r, "body", "language", "enum",
                                 "Input should be a language code the parser knows (ParserLanguages), e.g. 'en', 'fr', "
                                 "'de', 'ch_sim', 'ja'", one->valuestring);
                return false;
            }
        }
    }
    return true;
}

bool lp_v1_validate(srv_req *r, const cJSON *fields)
{
    return check_scalars(r, fields) && check_enums(r, fields) && check_languages(r, fields);
}
