-- What the wrk scripts of the intake benchmarks share (foi_submit/submit.lua,
-- service_intake/submit.lua; each loads this file with dofile): the count of requests sent and of
-- responses by status in every thread, the one line "WRK_RESULT {json}" that done() prints for the
-- benchmark to parse (latencies in microseconds), and the pieces of a body that must differ from
-- one request to the next: a 身份证号 with a valid check digit and a uuid4 submission_key.

local common = {}

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_index", thread_count)
  table.insert(threads, thread)
end

-- Globals, so that done() can read them from each thread: requests built (= sent) and responses by status.
sent = 0
statuses = {}

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals, total_sent = {}, 0
  for _, thread in ipairs(threads) do
    total_sent = total_sent + thread:get("sent")
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do
      totals[status] = (totals[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(totals) do
    table.insert(parts, string.format('"%d":%d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"duration_us":%d,"requests":%d,"sent":%d,"bytes":%d,"statuses":{%s},' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.1f,"stdev":%.1f,"max":%d,"p50":%d,"p75":%d,"p90":%d,"p99":%d,"p99.9":%d}}\n',
    summary.duration, summary.requests, total_sent, summary.bytes, table.concat(parts, ","),
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.stdev, latency.max, latency:percentile(50), latency:percentile(75),
    latency:percentile(90), latency:percentile(99), latency:percentile(99.9)))
end

common.SURNAMES = { "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗" }
common.GIVEN = { "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华" }
local REGIONS = { "110101", "110105", "310104", "320102", "330106", "370102", "420106", "440106", "510107", "610113", "430102", "350102" }
local WEIGHTS = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 }
local CHECK = { "1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2" }

-- Call from init(): a different random sequence for every thread of every run.
function common.seed(nonce)
  math.randomseed(nonce + 7919 * thread_index)
end

function common.pick(list)
  return list[math.random(1, #list)]
end

function common.name()
  return common.pick(common.SURNAMES) .. common.pick(common.GIVEN) .. (math.random(0, 1) == 1 and common.pick(common.GIVEN) or "")
end

-- 18 characters, ISO 7064 MOD 11-2 check digit (GB 11643).
function common.id_number()
  local body = string.format("%s%04d%02d%02d%03d", common.pick(REGIONS), math.random(1950, 2004), math.random(1, 12),
    math.random(1, 28), math.random(1, 999))
  local sum = 0
  for i = 1, 17 do
    sum = sum + tonumber(body:sub(i, i)) * WEIGHTS[i]
  end
  return body .. CHECK[sum % 11 + 1]
end

-- Unique per run (nonce), thread and request (sent), so idempotency never short-circuits a request.
function common.uuid4(nonce)
  return string.format("%08x-%04x-4%03x-%x%03x-%04x%08x", nonce, thread_index, math.random(0, 0xfff),
    8 + math.random(0, 3), math.random(0, 0xfff), math.random(0, 0xffff), sent)
end

return common
