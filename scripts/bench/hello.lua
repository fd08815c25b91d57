-- wrk script: the same kind of body, to the baseline hello-world endpoint.
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format(
    '{"secret":"x","id":"hello-%d","symbol":"BINANCE:BTCUSDT","action":"buy","quantity":0.001,"price":65000}', counter)
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
