-- GET (downloads, range requests, metadata reads). BENCH_HEADERS: "Name: value|Name: value".
local headers = os.getenv("BENCH_HEADERS") or ""
for pair in string.gmatch(headers, "[^|]+") do
  local name, value = pair:match("^([^:]+):%s*(.*)$")
  wrk.headers[name] = value
end
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
