/** The public rating intake's load for wrk (bench/audit-writes.ts, bench/run.ts). */

/** wrk's Lua script: each request a distinct respondent (thread id + counter), units and levels in turn. */
export function wrkScript(unitIds: string[], prefix: string): string {
  return `
local units = { ${unitIds.map((u) => `"${u}"`).join(', ')} }
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
function request()
  n = n + 1
  local body = string.format('{"unitId":"%s","channel":"portal","level":%d,"respondentKey":"${prefix}-%d-%d"}',
    units[(n % #units) + 1], 3 + (n % 3), tid, n)
  return wrk.format("POST", "/api/v1/public/ratings", { ["content-type"] = "application/json" }, body)
end
`;
}
