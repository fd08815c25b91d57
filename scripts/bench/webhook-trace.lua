-- wrk script: the alerts of webhook.lua, and each request's send time and latency written to
-- $TRACE_OUT-<thread> as "<send time, µs since the epoch> <latency µs> <status>" lines (scripts/bench/light-after-load
-- --trace). The send time is the request's, so each thread must have exactly one connection (wrk -tN -cN).
-- Lines are flushed every 200 answers: up to 199 of each thread's last answers are not written.
dofile("scripts/bench/webhook.lua")

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *ts);
]]
local CLOCK_REALTIME = 0 -- the clock JFR's event times are on
local ts = ffi.new("bench_timespec")
local function micros()
  ffi.C.clock_gettime(CLOCK_REALTIME, ts)
  return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
end

local out = os.getenv("TRACE_OUT") or error("webhook-trace.lua: TRACE_OUT is not set")
local build = request
local sent = 0
local lines = {}

request = function()
  sent = micros()
  return build()
end

response = function(status)
  lines[#lines + 1] = string.format("%.0f %.0f %d", sent, micros() - sent, status)
  if #lines == 200 then
    local f = assert(io.open(out .. "-" .. thread_name, "a"))
    f:write(table.concat(lines, "\n"), "\n")
    f:close()
    lines = {}
  end
end
