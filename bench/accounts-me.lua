-- wrk: GET /v1/accounts/me straight at the stand-in, rotating over 1000 accounts' tokens.
local counter = 0
request = function()
  counter = counter + 1
  local token = string.format("bench-%034d", counter % 1000 + 1)
  return wrk.format("GET", "/v1/accounts/me", { ["x-oneflow-api-token"] = token })
end
