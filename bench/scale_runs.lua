-- wrk script for the scale tables' throughput row (bench/scale_throughput.py):
-- runners record runs through the REST API as a runner does, with a token:
-- POST a `running` execution, then PATCH it to `success`.
-- Each connection's next request is the PATCH of a run whose POST has been
-- answered, else a new POST. A run is recorded when its PATCH answers 200.
-- Environment: SCALE_TOKEN, SCALE_FIRST_SCRIPT, SCALE_SCRIPTS.

local token = os.getenv("SCALE_TOKEN")
local first_script = tonumber(os.getenv("SCALE_FIRST_SCRIPT"))
local scripts = tonumber(os.getenv("SCALE_SCRIPTS"))
local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   recorded = 0
   failed = 0
   pending = {}
   posted = 0
   headers = {["Authorization"] = "Token " .. token, ["Content-Type"] = "application/json"}
end

function request()
   local run = table.remove(pending)
   if run then
      return wrk.format("PATCH", "/api/executions/" .. run .. "/", headers, '{"status": "success"}')
   end
   posted = posted + 1
   local script = first_script + (posted % scripts)
   return wrk.format("POST", "/api/executions/", headers,
                     '{"script": ' .. script .. ', "status": "running"}')
end

function response(status, headers, body)
   if status == 201 then
      local id = string.match(body, '"id"%s*:%s*(%d+)')
      if id then table.insert(pending, id) else failed = failed + 1 end
   elseif status == 200 then
      recorded = recorded + 1
   else
      failed = failed + 1
   end
end

function done(summary, latency, requests)
   local total_recorded, total_failed = 0, 0
   for _, thread in ipairs(threads) do
      total_recorded = total_recorded + thread:get("recorded")
      total_failed = total_failed + thread:get("failed")
   end
   io.write(string.format("SCALE recorded=%d failed=%d\n", total_recorded, total_failed))
end
