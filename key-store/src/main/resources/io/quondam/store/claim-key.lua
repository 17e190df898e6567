-- The HTTP API's claim of KEYS[1] for owner ARGV[1] for ARGV[2] milliseconds, with fingerprint ARGV[3] ('' = none).
-- Returns {code, owner, pttl, response, fingerprint}: 1 = claimed, 2 = already owned (in progress),
-- 3 = in progress for another owner, 4 = completed (with the stored response and fingerprint).
-- Same hash as claim.lua: o = owner, t = claimed-at (ms), s = state (P = in progress, C = completed),
-- r = stored response, f = request fingerprint.
local h = redis.call('HMGET', KEYS[1], 'o', 's', 'r', 'f')
if not h[1] then
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  redis.call('HSET', KEYS[1], 'o', ARGV[1], 't', now, 's', 'P')
  if ARGV[3] ~= '' then
    redis.call('HSET', KEYS[1], 'f', ARGV[3])
  end
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, ARGV[1], tonumber(ARGV[2]), '', ''}
end
local pttl = redis.call('PTTL', KEYS[1])
if h[2] == 'C' then
  return {4, h[1], pttl, h[3] or '', h[4] or ''}
end
if h[1] == ARGV[1] then
  -- Write the owner again so that WAIT on this connection covers a claim first made through another connection.
  redis.call('HSET', KEYS[1], 'o', h[1])
  return {2, h[1], pttl, '', ''}
end
return {3, h[1], pttl, '', ''}
