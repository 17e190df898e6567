-- Claims KEYS[1] for owner ARGV[1] for ARGV[2] milliseconds, in one round trip.
-- Returns {code, owner, ageMillis}: 1 = claimed, 2 = replayed (same owner), 3 = duplicate (another owner).
-- The key is a hash: o = owner, t = claimed-at (Redis server time, ms), s = state (P = in progress).
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local owner = redis.call('HGET', KEYS[1], 'o')
if not owner then
  redis.call('HSET', KEYS[1], 'o', ARGV[1], 't', now, 's', 'P')
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, ARGV[1], 0}
end
local age = now - (tonumber(redis.call('HGET', KEYS[1], 't')) or now)
if owner == ARGV[1] then
  -- Write the owner again so that WAIT on this connection covers the key even when the first claim
  -- was made through an earlier connection whose replication was never confirmed.
  redis.call('HSET', KEYS[1], 'o', owner)
  return {2, owner, age}
end
return {3, owner, age}
