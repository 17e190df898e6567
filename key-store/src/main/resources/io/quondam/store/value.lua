-- The value of a claimed key, prepended to every key-store script. A key is ONE Redis string, so that a new claim
-- is one SET NX PX for the master and each replica:
--   <state><claimedAt>|<owner length>|<fingerprint length>|<owner><fingerprint><response>
-- state: P = in progress, C = completed; claimedAt: Redis server time in ms; lengths in bytes.
local function encode(state, claimedAt, owner, fingerprint, response)
  return state .. claimedAt .. '|' .. #owner .. '|' .. #fingerprint .. '|' .. owner .. fingerprint .. response
end

-- Writes an existing claim again, keeping its expiry.
local function rewrite(key, state, claimedAt, owner, fingerprint, response)
  redis.call('SET', key, encode(state, claimedAt, owner, fingerprint, response), 'KEEPTTL')
end

local function nowMillis()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

-- Reads a key: nothing if it is absent, else state, claimedAt (digits), owner, fingerprint, response.
local function read(key)
  local value = redis.call('GET', key)
  if not value then
    return nil
  end
  local state, claimedAt, ownerLength, fingerprintLength, from = string.match(value, '^(%u)(%d+)|(%d+)|(%d+)|()')
  if not state then
    error('not a Quondam claim: ' .. key)
  end
  local fingerprintFrom = from + tonumber(ownerLength)
  local responseFrom = fingerprintFrom + tonumber(fingerprintLength)
  return state, claimedAt, string.sub(value, from, fingerprintFrom - 1),
      string.sub(value, fingerprintFrom, responseFrom - 1), string.sub(value, responseFrom)
end

