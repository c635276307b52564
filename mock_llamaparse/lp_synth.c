#include "lp_synth.h"
#include "rng.h"

#include <stdint.h>
#include <xxhash.h>


static const char *const words[] = {
    "coverage", "member", "claim", "benefit", "policy", "provider", "network", "deductible", "premium",
    "annual", "service", "care", "plan", "payment", "limit", "review", "request", "period", "notice",
    "record", "health", "office", "schedule", "amount", "eligible", "standard", "report", "section",
    "approval", "treatment", "document", "account", "renewal", "statement", "agreement", "terms",
};
#define NWORDS (sizeof words / sizeof words[0])

static const char *word(uint64_t *s)
{
    return words[rng_next(s) % NWORDS];
}

static void sentence(buf *out, uint64_t *s)
{
    size_t n = 8 + rng_next(s) % 10;
    for (size_t i = 0; i < n; i++) {
        const char *w = word(s);
        if (i == 0)
            buf_printf(out, "%c%s", w[0] - 32, w + 1);
        else
            buf_printf(out, " %s", w);
    }
    buf_puts(out, ". ");
}

/* One page: about 1,500 characters of markdown. */
static void page(buf *out, uint64_t *s, size_t n)
{
    buf_printf(out, "# Section %zu: %s %s\n\n", n, word(s), word(s));
    for (int p = 0; p < 2; p++) {
        for (int k = 0; k < 5; k++)
            sentence(out, s);
        buf_puts(out, "\n\n");
    }
    for (int k = 0; k < 3; k++)
        buf_printf(out, "- %s %s %s\n", word(s), word(s), word(s));
    buf_printf(out, "\n| item | %s | %s |\n| --- | --- | --- |\n", word(s), word(s));
    for (int k = 1; k <= 3; k++)
        buf_printf(out, "| %s | %u | %u.%02u |\n", word(s), (unsigned)(rng_next(s) % 1000),
                   (unsigned)(rng_next(s) % 500), (unsigned)(rng_next(s) % 100));
}

bool lp_synth(const char *data, size_t len, size_t pages, lp_page_fn add, void *ctx)
{
    uint64_t s = XXH3_64bits(data, len);
    if (pages == 0)
        pages = 1 + len / 4000;
    if (pages > 500)
        pages = 500;
    buf md = BUF_INIT;
    bool ok = true;
    for (size_t i = 1; ok && i <= pages; i++) {
        buf_clear(&md);
        page(&md, &s, i);
        ok = md.data && add(ctx, md.data, md.len);
    }
    buf_free(&md);
    return ok;
}
