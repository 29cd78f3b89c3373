-- wrk script for the xAPI statements query: GET /xapi/statements filtered by
-- agent and activity, cycling through the learners and activities that
-- bench/wrk-xapi-post.lua (or `trivium gen`) wrote, with the client's Basic
-- credentials (TRIVIUM_XAPI_AUTH).
local auth = os.getenv("TRIVIUM_XAPI_AUTH")
if auth == nil or auth == "" then
  error("TRIVIUM_XAPI_AUTH is not set")
end
local learners = tonumber(os.getenv("TRIVIUM_XAPI_LEARNERS") or "1000")
local activities = tonumber(os.getenv("TRIVIUM_XAPI_ACTIVITIES") or "250")
wrk.headers["Authorization"] = auth
wrk.headers["X-Experience-API-Version"] = "2.0.0"

local paths = {}
local n = 0

local function escape(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  for i = 1, 256 do
    local learner = (i * 7919) % learners
    local activity = (i * 104729) % activities
    local agent = '{"mbox":"mailto:learner' .. learner .. '@bench.trivium.test"}'
    paths[i] = "/xapi/statements?agent=" .. escape(agent) .. "&activity=" ..
               escape("https://bench.trivium.test/activities/" .. activity) .. "&limit=10"
  end
end

function request()
  n = n % #paths + 1
  return wrk.format("GET", paths[n])
end
