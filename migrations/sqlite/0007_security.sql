-- Security hardening (SQLite). Kept in step with ../postgres/0007_security.sql.

-- Sign-in attempts are counted before a password is checked, in one row per throttled
-- subject whose count an upsert raises atomically: a burst of parallel guesses, on any
-- number of app servers, sees every earlier attempt. Scopes: `pair` (an account as typed,
-- from one address), `address` and `account` (the slower limit across all addresses).
DROP TABLE sign_in_failures;
CREATE TABLE sign_in_attempts (
    scope TEXT NOT NULL CHECK (scope IN ('pair', 'address', 'account')),
    subject TEXT NOT NULL,
    attempts INTEGER NOT NULL CHECK (attempts >= 0),
    window_ends_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (scope, subject)
);
CREATE INDEX sign_in_attempts_window ON sign_in_attempts (window_ends_at);

-- Secrets the app servers share, made at random on first use: the key that signs the
-- cookie carrying a notice to the next page.
CREATE TABLE server_keys (
    name TEXT PRIMARY KEY,
    secret TEXT NOT NULL
);
