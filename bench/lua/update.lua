-- POST /api/files/{id}/metadata round-robin over BENCH_IDS (comma-separated), so writers spread over files.
local user = os.getenv("BENCH_USER")
local ids = {}
for id in string.gmatch(os.getenv("BENCH_IDS"), "[^,]+") do ids[#ids + 1] = id end
local counter = 0
request = function()
  counter = counter + 1
  local id = ids[(counter % #ids) + 1]
  local body = '{"description":"bench update ' .. counter .. '"}'
  return wrk.format("POST", "/api/files/" .. id .. "/metadata",
    { ["X-User-Id"] = user, ["Content-Type"] = "application/json" }, body)
end
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
