-- wrk script for benchmarks/bench_foi_submit.py.
--
--   wrk -t2 -c50 -d30s -s submit.lua http://127.0.0.1:PORT -- PATH ORGANISATION NONCE
--
-- Every request POSTs a different application for disclosure (JSON): a different name, 身份证号
-- (valid ISO 7064 MOD 11-2 check digit), phone and description, and a fresh uuid4 submission_key,
-- so the endpoint's idempotency never short-circuits a request. The ceiling endpoint receives the
-- same bodies. Requests sent and responses by status are counted; done() prints one line
-- "WRK_RESULT {json}" that the benchmark parses (latencies in microseconds).

local SURNAMES = { "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗" }
local GIVEN = { "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华" }
local REGIONS = { "110101", "110105", "310104", "320102", "330106", "370102", "420106", "440106", "510107", "610113", "430102", "350102" }
local TOPICS = {
  "城乡低保资金发放", "部门预算和三公经费", "征地补偿安置方案", "老旧小区改造项目", "农村公路建设资金", "义务教育学校招生划片",
  "行政处罚决定", "环境影响评价审批", "棚户区改造补偿标准", "残疾人两项补贴发放", "政府采购合同", "高标准农田建设项目",
}
local PURPOSES = { "用于核实本人权益", "用于了解本村情况", "用于学术研究", "用于办理相关手续", "用于监督资金使用" }
local WEIGHTS = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 }
local CHECK = { "1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2" }

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_index", thread_count)
  table.insert(threads, thread)
end

local path, organisation, nonce
-- Globals, so that done() can read them from each thread: requests built (= sent) and responses by status.
sent = 0
statuses = {}

function init(args)
  path = args[1] or "/api/v1/foi/applications"
  organisation = args[2] or "BENCH-FOI"
  nonce = tonumber(args[3] or "0", 16) or 0
  math.randomseed(nonce + 7919 * thread_index)
end

local function pick(list)
  return list[math.random(1, #list)]
end

local function id_number()
  local body = string.format("%s%04d%02d%02d%03d", pick(REGIONS), math.random(1950, 2004), math.random(1, 12),
    math.random(1, 28), math.random(1, 999))
  local sum = 0
  for i = 1, 17 do
    sum = sum + tonumber(body:sub(i, i)) * WEIGHTS[i]
  end
  return body .. CHECK[sum % 11 + 1]
end

local function uuid4()
  return string.format("%08x-%04x-4%03x-%x%03x-%04x%08x", nonce, thread_index, math.random(0, 0xfff),
    8 + math.random(0, 3), math.random(0, 0xfff), math.random(0, 0xffff), sent)
end

local HEADERS = { ["Content-Type"] = "application/json" }

function request()
  sent = sent + 1
  local name = pick(SURNAMES) .. pick(GIVEN) .. (math.random(0, 1) == 1 and pick(GIVEN) or "")
  local topic = pick(TOPICS)
  local year = math.random(2019, 2026)
  local body = string.format(
    '{"organisation":"%s","applicant_type":"natural_person","name":"%s","id_type":"resident_id",' ..
    '"id_number":"%s","phone":"13%d%08d","email":"applicant%d.%d@example.com","address":"",' ..
    '"description":"申请公开%d年%s的相关政府信息，包括文件名称、文号及具体内容，%s。（第%d号测试申请）",' ..
    '"form":"electronic","delivery":"email","submission_key":"%s"}',
    organisation, name, id_number(), math.random(3, 9), math.random(0, 99999999), thread_index, sent, year, topic, pick(PURPOSES),
    sent, uuid4())
  return wrk.format("POST", path, HEADERS, body)
end

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
