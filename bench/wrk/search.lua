-- wrk script for the search scenarios: POSTs pre-built search bodies (one JSON per line of a file) round-robin and
-- records each response's result ids, so recall is computed from the answers given under this very load.
-- Run with as many threads as connections (-t N -c N): each thread then has one connection, its requests and
-- responses strictly alternate, and it knows which query every response answers.
-- Arguments: <bodies file> <output prefix> <request path>

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  bodies = {}
  for line in io.lines(args[1]) do
    bodies[#bodies + 1] = line
  end
  path = args[3]
  headers = { ["Content-Type"] = "application/json" }
  -- Threads start at different queries so they do not move in lockstep.
  nextIndex = ((tid - 1) * 7919) % #bodies
  out = assert(io.open(args[2] .. tid .. ".txt", "w"))
  written = 0
end

function request()
  nextIndex = nextIndex % #bodies + 1
  sent = nextIndex
  return wrk.format("POST", path, headers, bodies[nextIndex])
end

function response(status, _, body)
  local ids = {}
  if status == 200 then
    for id in string.gmatch(body, '"id":"([^"]*)"') do
      ids[#ids + 1] = id
    end
  end
  out:write(sent, " ", status, " ", table.concat(ids, ","), "\n")
  written = written + 1
  if written % 256 == 0 then out:flush() end
end

function done(summary, latency, _)
  local p = {}
  for _, q in ipairs({ 1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 97.5, 99, 99.5, 99.9, 99.99, 100 }) do
    p[#p + 1] = string.format('"%s":%d', q, latency:percentile(q))
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"latencyUs":{"min":%d,"max":%d,"mean":%f,"stdev":%f,"percentiles":{%s}}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.max, latency.mean, latency.stdev, table.concat(p, ",")))
end
