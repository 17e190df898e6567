-- Completes KEYS[1] for owner ARGV[1]: stores response ARGV[2] and, unless ARGV[3] is '', fingerprint ARGV[3]
-- (else the claim's fingerprint stays), keeping the key's expiry. Returns {code, owner}: 1 = completed,
-- 2 = another owner holds it, 0 = not claimed.
local state, claimedAt, owner, fingerprint = read(KEYS[1])
if not state then
  return {0, ''}
end
if owner ~= ARGV[1] then
  return {2, owner}
end
if ARGV[3] ~= '' then
  fingerprint = ARGV[3]
end
rewrite(KEYS[1], 'C', claimedAt, owner, fingerprint, ARGV[2])
return {1, owner}
