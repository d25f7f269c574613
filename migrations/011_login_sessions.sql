-- Login sessions.  A login starts a session.  Its access tokens are short-lived and name
-- it ("sid"); its refresh token gets the next access token and is replaced each time
-- (rotation).  Every authenticated call checks that its session is still open, so a
-- session that ends (logout, a password change, deactivation, deletion, or a refresh
-- token used twice) stops working at once, and an outbox event tells the real-time
-- service to close its sockets.
CREATE TABLE sessions (
    id         uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL,
    ended_at   timestamptz,
    end_reason text CHECK (end_reason IN ('logout', 'password_changed', 'deactivated', 'account_deleted',
                                          'refresh_reused')),
    CONSTRAINT sessions_ended_with_a_reason CHECK ((ended_at IS NULL) = (end_reason IS NULL))
);
-- What a password change, a deactivation or a deletion ends.
CREATE INDEX sessions_open_of_user ON sessions (user_id) WHERE ended_at IS NULL;

-- Refresh tokens by the SHA-256 of their text (hex): the text itself is never stored.  A
-- used token stays, marked, while it has not expired, so that its second use is seen for
-- what it is (one of two holders is not the owner) and ends the session.
CREATE TABLE refresh_tokens (
    token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    issued_at  timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX refresh_tokens_of_session ON refresh_tokens (session_id);
