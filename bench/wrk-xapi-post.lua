-- wrk script for xAPI ingest: every request POSTs a batch of statements
-- (TRIVIUM_XAPI_BATCH, default 50) with the client's Basic credentials
-- (TRIVIUM_XAPI_AUTH holds "Basic ..."). Learners, verbs and activities vary
-- between statements as they do in a course; 64 different bodies are built
-- once and sent in turn.
local auth = os.getenv("TRIVIUM_XAPI_AUTH")
if auth == nil or auth == "" then
  error("TRIVIUM_XAPI_AUTH is not set")
end
local batch = tonumber(os.getenv("TRIVIUM_XAPI_BATCH") or "50")
local learners = tonumber(os.getenv("TRIVIUM_XAPI_LEARNERS") or "1000")
local activities = tonumber(os.getenv("TRIVIUM_XAPI_ACTIVITIES") or "250")
local verbs = { "experienced", "progressed", "completed", "answered", "passed", "failed" }

wrk.method = "POST"
wrk.headers["Authorization"] = auth
wrk.headers["X-Experience-API-Version"] = "2.0.0"
wrk.headers["Content-Type"] = "application/json"

local bodies = {}
local n = 0

local function statement(i)
  local learner = (i * 7919) % learners
  local activity = (i * 104729) % activities
  local verb = verbs[(i % #verbs) + 1]
  return string.format(
    '{"actor":{"objectType":"Agent","name":"Learner %d","mbox":"mailto:learner%d@bench.trivium.test"},' ..
    '"verb":{"id":"http://adlnet.gov/expapi/verbs/%s","display":{"en-US":"%s"}},' ..
    '"object":{"objectType":"Activity","id":"https://bench.trivium.test/activities/%d",' ..
    '"definition":{"name":{"en-US":"Lesson %d"},"type":"http://adlnet.gov/expapi/activities/lesson"}},' ..
    '"result":{"completion":true,"duration":"PT%dM%dS"},' ..
    '"context":{"registration":"%08x-0000-4000-8000-%012x","contextActivities":{"parent":[{"id":"https://bench.trivium.test/courses/%d"}]}}}',
    learner, learner, verb, verb, activity, activity, i % 60, i % 60, learner, learner, activity % 10)
end

function init(args)
  -- A fixed start: bench/wrk-xapi-query.lua asks for the same learner and
  -- activity pairs (statement i for i = 1 .. 256).
  local seed = 0
  for b = 1, 64 do
    local parts = {}
    for s = 1, batch do
      parts[s] = statement(seed + (b - 1) * batch + s)
    end
    bodies[b] = "[" .. table.concat(parts, ",") .. "]"
  end
end

function request()
  n = n % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[n])
end
