-- The HTTP API's claim of KEYS[1] for owner ARGV[1] for ARGV[2] milliseconds, with fingerprint ARGV[3] ('' = none).
-- Returns {code, owner, pttl, response, fingerprint}: 1 = claimed, 2 = already owned (in progress),
-- 3 = in progress for another owner, 4 = completed (with the stored response and fingerprint).
-- It reads before it writes (the processor's claim.lua writes first): while the master refuses writes
-- (min-replicas-to-write), a retried request still gets its stored response, and a competing one its 409.
local state, owner, fingerprint, response = read(KEYS[1])
if not state then
  redis.call('SET', KEYS[1], encode('P', ARGV[1], ARGV[3], ''), 'PX', ARGV[2])
  return {1, ARGV[1], tonumber(ARGV[2]), '', ''}
end
local pttl = redis.call('PTTL', KEYS[1])
if state == 'C' then
  return {4, owner, pttl, response, fingerprint}
end
if owner == ARGV[1] then
  -- Write the value again so that WAIT on this connection covers a claim first made through another connection.
  rewrite(KEYS[1], state, owner, fingerprint, response)
  return {2, owner, pttl, '', ''}
end
return {3, owner, pttl, '', ''}
