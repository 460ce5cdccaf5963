-- wrk script for bench/ingest_bench.sh: each request is a courier webhook with a fresh id and
-- its precomputed signature (bench/webhook_corpus). Threads take interleaved ids.
--   wrk -s bench/ingest.lua URL -- SIGNATURES_FILE THREADS PREFIX
local next_thread = 0
function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  prefix = args[3]
  step = tonumber(args[2])
  sigs = {}
  for line in io.lines(args[1]) do sigs[#sigs + 1] = line end
  n = tid
end

function request()
  local i = n % #sigs -- past the end ids repeat: duplicates, acknowledged without a write
  n = n + step
  local body = '{"id":"' .. prefix .. '-' .. i .. '","type":"bench","noop":true}'
  return wrk.format("POST", "/webhooks/courier",
    { ["X-Courier-Signature"] = sigs[i + 1], ["Content-Type"] = "application/json" }, body)
end
