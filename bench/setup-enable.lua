-- wrk: POST /oneflow/setup enables through the bridge, rotating over the same 1000 accounts.
local counter = 0
request = function()
  counter = counter + 1
  local id = counter % 1000 + 1
  local body = string.format(
    '{"account_id":%d,"event":"enable","data":{"token":"bench-%034d","email":"bench@example.com"}}', id, id)
  return wrk.format("POST", "/oneflow/setup", { ["Content-Type"] = "application/json" }, body)
end
