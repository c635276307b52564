-- wrk script for bench/run.sh's varied case: every request embeds a text
-- never sent before (a per-thread id and a counter in it), so the mock's
-- embeddings cache can never answer and each vector is computed.
local n = 0
local id = 0
local threads = 0

function setup(thread)
    thread:set("id", threads)
    threads = threads + 1
end

function init(args)
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["Authorization"] = "Bearer bench"
end

function request()
    n = n + 1
    local body = string.format(
        '{"model":"text-embedding-3-small","input":"The quick brown fox jumps over the lazy dog %d-%d"}', id, n)
    return wrk.format(nil, nil, nil, body)
end
