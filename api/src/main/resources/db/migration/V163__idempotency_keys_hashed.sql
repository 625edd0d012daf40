-- Idempotency keys are kept as their SHA-256 and answers encrypted with a key derived from the client's
-- Idempotency-Key (IdempotencyKeys): rows written before (plain keys and answers, which may hold a new API token or
-- link token) are dropped. A retry of a request answered before the upgrade runs again.
DELETE FROM idempotency_key;
