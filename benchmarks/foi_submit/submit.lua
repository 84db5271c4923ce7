-- wrk script for benchmarks/bench_foi_submit.py (and the ceiling of every intake benchmark).
--
--   wrk -t2 -c50 -d30s -s submit.lua http://127.0.0.1:PORT -- PATH ORGANISATION NONCE
--
-- Every request POSTs a different application for disclosure (JSON): a different name, 身份证号
-- (valid ISO 7064 MOD 11-2 check digit), phone and description, and a fresh uuid4 submission_key,
-- so the endpoint's idempotency never short-circuits a request. The ceiling endpoint receives the
-- same bodies. The counting and the WRK_RESULT line are in wrk_common.lua, beside this file.

local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "wrk_common.lua")

local TOPICS = {
  "城乡低保资金发放", "部门预算和三公经费", "征地补偿安置方案", "老旧小区改造项目", "农村公路建设资金", "义务教育学校招生划片",
  "行政处罚决定", "环境影响评价审批", "棚户区改造补偿标准", "残疾人两项补贴发放", "政府采购合同", "高标准农田建设项目",
}
local PURPOSES = { "用于核实本人权益", "用于了解本村情况", "用于学术研究", "用于办理相关手续", "用于监督资金使用" }

local path, organisation, nonce

function init(args)
  path = args[1] or "/api/v1/foi/applications"
  organisation = args[2] or "BENCH-FOI"
  nonce = tonumber(args[3] or "0", 16) or 0
  common.seed(nonce)
end

local HEADERS = { ["Content-Type"] = "application/json" }

function request()
  sent = sent + 1
  local name = common.name()
  local topic = common.pick(TOPICS)
  local year = math.random(2019, 2026)
  local body = string.format(
    '{"organisation":"%s","applicant_type":"natural_person","name":"%s","id_type":"resident_id",' ..
    '"id_number":"%s","phone":"13%d%08d","email":"applicant%d.%d@example.com","address":"",' ..
    '"description":"申请公开%d年%s的相关政府信息，包括文件名称、文号及具体内容，%s。（第%d号测试申请）",' ..
    '"form":"electronic","delivery":"email","submission_key":"%s"}',
    organisation, name, common.id_number(), math.random(3, 9), math.random(0, 99999999), thread_index, sent, year, topic,
    common.pick(PURPOSES), sent, common.uuid4(nonce))
  return wrk.format("POST", path, HEADERS, body)
end
