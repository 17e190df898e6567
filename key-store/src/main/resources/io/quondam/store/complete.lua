-- Completes KEYS[1] for owner ARGV[1]: stores response ARGV[2] and, unless ARGV[3] is '', fingerprint ARGV[3]
-- (else the claim's fingerprint stays), keeping the key's expiry. Returns {code, owner}: 1 = completed,
-- 2 = another owner holds it, 3 = already completed with another response or fingerprint (nothing written),
-- 0 = not claimed. Completing again with the same response and fingerprint answers 1 and writes the value again,
-- so that WAIT on this connection covers it even when the first completion's was never confirmed.
local state, owner, fingerprint, response = read(KEYS[1])
if not state then
  return {0, ''}
end
if owner ~= ARGV[1] then
  return {2, owner}
end
if state == 'C' and (response ~= ARGV[2] or (ARGV[3] ~= '' and ARGV[3] ~= fingerprint)) then
  return {3, owner}
end
if ARGV[3] ~= '' then
  fingerprint = ARGV[3]
end
rewrite(KEYS[1], 'C', owner, fingerprint, ARGV[2])
return {1, owner}
