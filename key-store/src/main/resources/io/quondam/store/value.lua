-- The value of a claimed key, prepended to every key-store script. A key is ONE Redis string, so that a new claim
-- is one SET NX PX for the master and each replica (a hash took HSET plus PEXPIRE: Redis spent about a third more CPU
-- per claim on those commands alone, and 26.8 instead of 22.6 microseconds per record in the processor benchmark):
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

-- Reads a key: nothing if it is absent, else state, claimedAt (digits), owner, fingerprint, response. Keys written before
-- the string format are hashes (o = owner, t = claimed at, s = state, r = response, f = fingerprint); they are read
-- too, so that an upgrade keeps every claim, and the next write to such a key stores it as a string.
local function read(key)
  local value = redis.pcall('GET', key)
  if type(value) == 'table' then
    if not string.find(value.err or '', 'WRONGTYPE', 1, true) then
      error(value.err or 'GET failed')
    end
    local h = redis.call('HMGET', key, 'o', 't', 's', 'r', 'f')
    if not h[1] then
      return nil
    end
    return h[3] or 'P', h[2] or '0', h[1], h[5] or '', h[4] or ''
  end
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

