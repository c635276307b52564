-- wrk script for bench/run.sh: POST the request body kept in the file named
-- by BENCH_BODY. Read from a file, not inlined, because the batch body is
-- too long to paste into a command line or a Lua literal safely.
local path = assert(os.getenv("BENCH_BODY"), "BENCH_BODY is not set")
local f = assert(io.open(path, "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench"
