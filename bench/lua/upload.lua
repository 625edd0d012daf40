-- PUT/POST of BENCH_BODY_FILE's bytes (read once; every request sends the same body). BENCH_MULTIPART=1 wraps
-- them in a multipart/form-data body with one 'file' part.
local headers = os.getenv("BENCH_HEADERS") or ""
for pair in string.gmatch(headers, "[^|]+") do
  local name, value = pair:match("^([^:]+):%s*(.*)$")
  wrk.headers[name] = value
end
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
local data = f:read("*a")
f:close()
wrk.method = os.getenv("BENCH_METHOD") or "PUT"
if os.getenv("BENCH_MULTIPART") == "1" then
  local boundary = "----filestorebench7d9a3c"
  wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
  wrk.body = "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench.bin\"\r\n" ..
    "Content-Type: application/octet-stream\r\n\r\n" .. data .. "\r\n--" .. boundary .. "--\r\n"
else
  wrk.headers["Content-Type"] = "application/octet-stream"
  wrk.body = data
end
data = nil
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
