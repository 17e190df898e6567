-- The status of KEYS[1]: {} if it is not claimed, else {state, owner, ageMillis, pttl, fingerprint, response}.
local state, claimedAt, owner, fingerprint, response = read(KEYS[1])
local pttl = redis.call('PTTL', KEYS[1])
if not state or pttl < 0 then
  return {}
end
return {state, owner, nowMillis() - tonumber(claimedAt), pttl, fingerprint, response}
