-- wrk script for authenticated scenarios: every request carries the session
-- cookie that bench/run.sh obtained by logging in (TRIVIUM_COOKIE holds
-- "name=value").
local cookie = os.getenv("TRIVIUM_COOKIE")
if cookie == nil or cookie == "" then
  error("TRIVIUM_COOKIE is not set")
end
wrk.headers["Cookie"] = cookie
