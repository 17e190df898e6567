-- Completes KEYS[1] for owner ARGV[1]: stores response ARGV[2] and, unless ARGV[3] is '', fingerprint ARGV[3].
-- HSET keeps the key's expiry. Returns {code, owner}: 1 = completed, 2 = another owner holds it, 0 = not claimed.
local owner = redis.call('HGET', KEYS[1], 'o')
if not owner then
  return {0, ''}
end
if owner ~= ARGV[1] then
  return {2, owner}
end
redis.call('HSET', KEYS[1], 's', 'C', 'r', ARGV[2])
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[1], 'f', ARGV[3])
end
return {1, owner}
