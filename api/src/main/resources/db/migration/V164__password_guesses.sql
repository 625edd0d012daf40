-- Wrong-password counts shared by every instance (GuessThrottle, PostgresGuessCounts): one row per
-- (secret, client address) pair and per client address with a wrong password in the last hour. The key is the
-- SHA-256 of the count's name (an account name or link id and an address), never a password. Rows older than the
-- forget window are ignored and removed by a periodic delete, so the table holds at most the last hour's failures.
CREATE TABLE IF NOT EXISTS password_guess (
    key          bytea       PRIMARY KEY,
    failures     integer     NOT NULL,
    last_failure timestamptz NOT NULL
);

CREATE INDEX IF NOT EXISTS password_guess_last_failure ON password_guess (last_failure);
