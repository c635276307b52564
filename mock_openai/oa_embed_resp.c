#include "oa_embed_resp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "fmt_float.h"
#include "oa_vector.h"

static bool write_floats(buf *b, const float *v, size_t dim)
{
    char *p = buf_reserve(b, dim * (FMT_F32_MAX + 1) + 2);
    if (!p)
        return false;
    p[0] = '[';
    size_t n = fmt_f32_list(p + 1, v, dim);
    p[n + 1] = ']';
    buf_advance(b, n + 2);
    return true;
}

static bool write_base64(buf *b, const float *v, size_t dim)
{
    char *p = buf_reserve(b, BASE64_LEN(dim * 4) + 2);
    if (!p)
        return false;
    p[0] = '"';
    size_t n = base64_encode_f32le(p + 1, v, dim);
    p[n + 1] = '"';
    buf_advance(b, n + 2);
    return true;
}

static void compute(uint64_t seed, const oa_input *in, float *v, size_t dim)
{
    if (in->text)
        oa_vec_text(seed, in->text, in->len, v, dim);
    else
        oa_vec_tokens(seed, in->ids, in->nids, v, dim);
}

static oa_embed_key cache_key(const oa_embed_req *q, const oa_input *in)
{
    oa_embed_key k = {q->model, q->dims, q->base64, in->text == NULL, in->text, in->len};
    if (!in->text) {
        k.bytes = in->ids;
        k.len = in->nids * sizeof *in->ids;
    }
    return k;
}

/* Share the cached bytes for k into share's answer; false when they are
 * not cached or cannot be shared (the caller copies or computes). */
static bool share_cached(oa_embed_cache *cache, const oa_embed_key *k, srv_req *share)
{
    void *ref;
    size_t len;
    const char *bytes = share ? oa_embed_cache_ref(cache, k, &len, &ref) : NULL;
    if (!bytes)
        return false;
    if (srv_resp_share(share, bytes, len, oa_embed_cache_unref, ref))
        return true;
    oa_embed_cache_unref(ref);
    return false;
}

/* One input's "embedding" value: from the cache, or computed into v (a
 * scratch array allocated on first need) and then remembered. */
static bool write_embedding(buf *b, const oa_embed_req *q, const oa_input *in, float **v, uint64_t seed,
                            oa_embed_cache *cache, srv_req *share)
{
    oa_embed_key k = cache_key(q, in);
    bool oom;
    if (share_cached(cache, &k, share) || oa_embed_cache_get(cache, &k, b, &oom))
        return true;
    if (oom || (!*v && !(*v = malloc(q->dims * sizeof **v))))
        return false;
    compute(seed, in, *v, q->dims);
    size_t start = b->len;
    if (!(q->base64 ? write_base64(b, *v, q->dims) : write_floats(b, *v, q->dims)))
        return false;
    if (q->n <= OA_EMBED_CACHE_MAX_BATCH)
        oa_embed_cache_put(cache, &k, b->data + start, b->len - start);
    return true;
}

bool oa_embed_write(buf *b, const oa_embed_req *q, oa_embed_cache *cache, srv_req *share)
{
    float *v = NULL;
    uint64_t seed = oa_vec_seed(q->model->id);
    size_t tokens = oa_embed_tokens(q);
    bool ok = buf_puts(b, "{\"object\":\"list\",\"data\":[");
    for (size_t i = 0; ok && i < q->n; i++) {
        ok = buf_printf(b, "%s{\"object\":\"embedding\",\"index\":%zu,\"embedding\":", i ? "," : "", i) &&
             write_embedding(b, q, &q->inputs[i], &v, seed, cache, share) && buf_puts(b, "}");
    }
    free(v);
    ok = ok && buf_puts(b, "],\"model\":") && buf_json_str(b, q->model->id, strlen(q->model->id)) &&
         buf_printf(b, ",\"usage\":{\"prompt_tokens\":%zu,\"total_tokens\":%zu}}", tokens, tokens);
    return ok;
}
