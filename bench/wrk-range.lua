-- wrk script for the byte-range scenario: every request asks for one 1 MiB
-- slice of the video at a random 1 MiB boundary, as a player seeking
-- through it would. The generator has a fixed seed, so Trivium and nginx
-- are asked for the same slices in the same order. The session cookie is
-- sent when TRIVIUM_COOKIE is set (nginx needs none); TRIVIUM_VIDEO_BYTES
-- is the file's size.
local cookie = os.getenv("TRIVIUM_COOKIE")
local size = tonumber(os.getenv("TRIVIUM_VIDEO_BYTES") or "")
if size == nil then
  error("TRIVIUM_VIDEO_BYTES is not set")
end
local slice = 1048576
local slices = math.max(1, math.floor(size / slice))
math.randomseed(42)
if cookie ~= nil and cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end

request = function()
  local first = math.random(0, slices - 1) * slice
  wrk.headers["Range"] = "bytes=" .. first .. "-" .. (first + slice - 1)
  return wrk.format()
end
