-- The status of KEYS[1]: {} if it is not claimed, else {state, owner, pttl, fingerprint, response}.
local state, owner, fingerprint, response = read(KEYS[1])
local pttl = redis.call('PTTL', KEYS[1])
if not state or pttl < 0 then
  return {}
end
return {state, owner, pttl, fingerprint, response}
