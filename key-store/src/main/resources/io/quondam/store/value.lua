-- The value of a claimed key, prepended to every key-store script. A key is ONE Redis string, so that a new claim
-- is one SET NX PX for the master and each replica. Two forms:
--   bare: <owner>, for a claim in progress with no fingerprint whose owner does not start with an uppercase ASCII
--         letter. An owner in decimal (the processor's) is then stored by Redis as a number, in 16 bytes.
--   full: <state><owner length>|<fingerprint length>|<owner><fingerprint><response>
--         state: P = in progress, C = completed; lengths in bytes.
local function encode(state, owner, fingerprint, response)
  if state == 'P' and fingerprint == '' and response == '' and owner ~= '' and not string.find(owner, '^%u') then
    return owner
  end
  return state .. #owner .. '|' .. #fingerprint .. '|' .. owner .. fingerprint .. response
end

-- Writes an existing claim again, keeping its expiry.
local function rewrite(key, state, owner, fingerprint, response)
  redis.call('SET', key, encode(state, owner, fingerprint, response), 'KEEPTTL')
end

-- Reads a key: nothing if it is absent, else state, owner, fingerprint, response.
local function read(key)
  local value = redis.call('GET', key)
  if not value then
    return nil
  end
  if not string.find(value, '^%u') then
    return 'P', value, '', ''
  end
  local state, ownerLength, fingerprintLength, from = string.match(value, '^(%u)(%d+)|(%d+)|()')
  if not state then
    error('not a Quondam claim value')
  end
  local fingerprintFrom = from + tonumber(ownerLength)
  local responseFrom = fingerprintFrom + tonumber(fingerprintLength)
  return state, string.sub(value, from, fingerprintFrom - 1), string.sub(value, fingerprintFrom, responseFrom - 1),
      string.sub(value, responseFrom)
end
