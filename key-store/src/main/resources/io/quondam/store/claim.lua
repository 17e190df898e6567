-- Claims every key of KEYS in one round trip: KEYS[i] for owner ARGV[2i-1] for ARGV[2i] milliseconds.
-- Returns two entries per key, in order: code, owner, where code 1 = claimed, 2 = replayed (same owner),
-- 3 = duplicate (another owner). One script call for many keys spares Redis the per-call cost of script lookup and
-- replication framing, and its writes replicate as one MULTI/EXEC.
local reply = {}
for i, key in ipairs(KEYS) do
  local claimant = ARGV[2 * i - 1]
  if redis.call('SET', key, encode('P', claimant, '', ''), 'NX', 'PX', ARGV[2 * i]) then
    reply[#reply + 1] = 1
    reply[#reply + 1] = claimant
  else
    local state, owner, fingerprint, response = read(key)
    if owner == claimant then
      -- Write the value again so that WAIT on this connection covers the key even when the first claim
      -- was made through an earlier connection whose replication was never confirmed.
      rewrite(key, state, owner, fingerprint, response)
      reply[#reply + 1] = 2
    else
      reply[#reply + 1] = 3
    end
    reply[#reply + 1] = owner
  end
end
return reply
