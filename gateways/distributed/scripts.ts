// The two Lua scripts. They hold NO limiter logic (the wasm is the only implementation of every algorithm):
// they compare versions and store bytes. A script, not MULTI/WATCH, because a script runs atomically on the
// server in one round trip, and keys cannot expire in the middle of it (the reason Limitador gives in
// `limitador/src/storage/redis/scripts.rs`); WATCH would also need a dedicated connection per transaction.
// Key layout and hash tags: keys.ts.

/**
 * COMMIT: validate a decision's read set, then apply its write set, all or nothing.
 *
 * KEYS[1]           the vm_id's version sequence (`<prefix>{vm}#seq`)
 * KEYS[2k], KEYS[2k+1]   for each key k = 1..n the decision read or wrote: the counter key and its claim key
 * ARGV[1]           TTL in ms given to every written key (idle keys disappear)
 * ARGV[2]           transaction id (one per decision, the same on each of its attempts)
 * ARGV[3]           claim TTL in ms
 * then for each key k, three arguments starting at ARGV[3k+1]:
 *   expected        version the decision read ("0" = it saw no key), or "" for a blind write (not validated)
 *   op              "w" = write `value`; "r" = read only (validation)
 *   value           the new bytes ("" for "r")
 *
 * A key is stale when its version differs from `expected`, or when another transaction holds its claim.
 * The first transaction that finds a key stale claims it (SET NX with the claim TTL): until it commits (or
 * the claim expires) every other transaction touching that key fails. Without this, the instance that won
 * last always has the freshest cache and keeps winning, and the others starve (measured: one decision in
 * thirty ran out of attempts with three instances on one hot key). With it, a loser wins its next attempt.
 *
 * Returns { 1, v1, ..., vn } when applied: the new version of each key (0 for a read-only key); or
 * { 0, blocked, k, version, value, ... } with every stale key (version 0 and "" when the key is gone) so
 * the caller refreshes its cache and re-runs the decision without another round trip; `blocked` = 1 when
 * another transaction holds a claim here, so the caller should let it commit first instead of spinning.
 */
export const COMMIT = `
local n = (#KEYS - 1) / 2
local txid = ARGV[2]
local stale = {}
local blocked = 0
for k = 1, n do
  local holder = redis.call('GET', KEYS[2 * k + 1])
  local bad = holder and holder ~= txid
  if bad then blocked = 1 end
  local expected = ARGV[3 * k + 1]
  if not bad and expected ~= '' then
    bad = tonumber(redis.call('HGET', KEYS[2 * k], 'n') or '0') ~= tonumber(expected)
  end
  if bad then stale[#stale + 1] = k end
end
if #stale > 0 then
  local out = { 0, blocked }
  for _, k in ipairs(stale) do
    redis.call('SET', KEYS[2 * k + 1], txid, 'PX', ARGV[3], 'NX')
    local nv = redis.call('HMGET', KEYS[2 * k], 'n', 'v')
    out[#out + 1] = k
    out[#out + 1] = tonumber(nv[1] or '0')
    out[#out + 1] = nv[2] or ''
  end
  return out
end
local ttl = tonumber(ARGV[1])
local out = { 1 }
for k = 1, n do
  if redis.call('GET', KEYS[2 * k + 1]) == txid then redis.call('DEL', KEYS[2 * k + 1]) end
  if ARGV[3 * k + 2] == 'w' then
    local version = redis.call('INCR', KEYS[1])
    redis.call('HSET', KEYS[2 * k], 'v', ARGV[3 * k + 3], 'n', version)
    redis.call('PEXPIRE', KEYS[2 * k], ttl)
    out[#out + 1] = version
  else
    out[#out + 1] = 0
  end
end
return out
`;

/**
 * CLAIM: reserve keys for one transaction before a callback that cannot be re-run, and read them fresh.
 * While the claims hold, COMMIT refuses every other transaction on these keys, so the callback runs on
 * current values and its own commit cannot lose on them.
 *
 * KEYS[2k-1], KEYS[2k]   for k = 1..n: the counter key and its claim key
 * ARGV[1]                transaction id
 * ARGV[2]                claim TTL in ms
 *
 * Returns { 0 } when another transaction holds one of the claims (nothing is claimed), else
 * { 1, version1, value1, ... } (version 0 and "" for a missing key).
 */
export const CLAIM = `
local n = #KEYS / 2
for k = 1, n do
  local holder = redis.call('GET', KEYS[2 * k])
  if holder and holder ~= ARGV[1] then return { 0 } end
end
local out = { 1 }
for k = 1, n do
  redis.call('SET', KEYS[2 * k], ARGV[1], 'PX', ARGV[2])
  local nv = redis.call('HMGET', KEYS[2 * k - 1], 'n', 'v')
  out[#out + 1] = tonumber(nv[1] or '0')
  out[#out + 1] = nv[2] or ''
end
return out
`;
