-- wrk script: unique, valid alerts (body secret), one id per request per thread.
-- thread_name is a global on purpose: setup() sets it in each thread's own Lua state with thread:set, which
-- a local declared here would shadow (every thread would then send the same ids, half of them duplicates).
local counter = 0
thread_name = "t"
local secret = os.getenv("WEBHOOK_SECRET")
local run = os.getenv("BENCH_RUN") or "run"

function setup(thread)
  thread:set("thread_name", tostring(math.random(1, 1000000000)))
end

function init(args)
  thread_name = thread_name or "t"
end

request = function()
  counter = counter + 1
  local body = string.format(
    '{"secret":"%s","id":"bench-%s-%s-%d","symbol":"BINANCE:BTCUSDT","action":"buy","quantity":0.001,"price":65000,"rsi":NaN}',
    secret, run, thread_name, counter)
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
