-- wrk: POST /oneio/messages, a small JSON object numbered per wrk thread.
local counter = 0
local api_key = os.getenv("BENCH_API_KEY")
request = function()
  counter = counter + 1
  local body = string.format('{"id":"bench-%d","n":%d,"source":"wrk"}', counter, counter)
  return wrk.format("POST", "/oneio/messages", { ["Content-Type"] = "application/json", ["X-Api-Key"] = api_key }, body)
end
