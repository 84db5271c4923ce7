-- wrk script for benchmarks/bench_service_intake.py.
--
--   wrk -t2 -c50 -d30s -s submit.lua http://127.0.0.1:PORT -- PATH ITEM NONCE REQUIRED OPTIONAL
--
-- Every request POSTs a different online application for a service item (网上申报, JSON): a
-- different name, 身份证号 (valid ISO 7064 MOD 11-2 check digit), phone, delivery and note, and a
-- fresh uuid4 submission_key, so the endpoint's idempotency never short-circuits a request.
-- REQUIRED and OPTIONAL are the item's material names joined by "|": every request lists the
-- required ones, half of them the optional ones too. The counting and the WRK_RESULT line are in
-- foi_submit/wrk_common.lua, shared with the FOI script that also drives the ceiling.

local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "../foi_submit/wrk_common.lua")

local DELIVERIES = { "window", "post", "electronic" }
local REASONS = { "工作调动", "投靠亲属", "购房落户", "大中专院校毕业", "婚姻迁移", "退役安置" }

local path, item, nonce, required, optional

local function json_names(joined)
  local names = {}
  for name in string.gmatch(joined or "", "[^|]+") do
    table.insert(names, '"' .. name .. '"')
  end
  return table.concat(names, ",")
end

function init(args)
  path = args[1] or "/api/v1/services/cases"
  item = args[2] or "BENCH-GA-001"
  nonce = tonumber(args[3] or "0", 16) or 0
  required = json_names(args[4])
  optional = json_names(args[5])
  common.seed(nonce)
end

local HEADERS = { ["Content-Type"] = "application/json" }

function request()
  sent = sent + 1
  local materials = required
  if optional ~= "" and math.random(0, 1) == 1 then
    materials = materials .. (materials ~= "" and "," or "") .. optional
  end
  local body = string.format(
    '{"item":"%s","applicant_type":"person","name":"%s","id_number":"%s","phone":"13%d%08d","delivery":"%s",' ..
    '"request_note":"因%s申请办理，相关材料已备齐。（第%d号测试申报）","materials":[%s],"submission_key":"%s"}',
    item, common.name(), common.id_number(), math.random(3, 9), math.random(0, 99999999), common.pick(DELIVERIES),
    common.pick(REASONS), sent, materials, common.uuid4(nonce))
  return wrk.format("POST", path, HEADERS, body)
end
