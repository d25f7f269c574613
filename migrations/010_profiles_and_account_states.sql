-- Profiles and the states of an account.  A user may keep a phone number.  An admin may
-- deactivate an account: it cannot log in, and its tokens are refused.  A customer may
-- delete their account: the row stays, scrubbed, because their past appointments still
-- point at it; its username becomes "former customer", which the appointments' copies of
-- the name follow (migration 004's cascade), and its e-mail and username are free again.
ALTER TABLE users
    ADD COLUMN phone text CHECK (phone ~ '^\+[0-9]{7,15}$'),
    ADD COLUMN active boolean NOT NULL DEFAULT true,
    ADD COLUMN deleted_at timestamptz,
    ADD CONSTRAINT users_deleted_are_inactive CHECK (deleted_at IS NULL OR NOT active);

-- Usernames and e-mails are unique among the accounts not deleted.  The indexes keep the
-- constraints' names, which the errors that name the field taken are read from.
ALTER TABLE users DROP CONSTRAINT users_username_key, DROP CONSTRAINT users_email_key;
CREATE UNIQUE INDEX users_username_key ON users (username) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX users_email_key ON users (email) WHERE deleted_at IS NULL;
-- What the copies of the service read when they learn the inactive accounts again.
CREATE INDEX users_inactive ON users (id) WHERE NOT active;

-- Each copy of the service answers some lists from memory (migration 007); it hears here
-- when an account is closed or opened again, whoever changed it, at commit.  A notice is
-- "closed <id>" or "open <id>".
CREATE FUNCTION account_states_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('account_states',
                      CASE WHEN NEW.active THEN 'open ' ELSE 'closed ' END || NEW.id::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER account_states_notify AFTER UPDATE OF active ON users
    FOR EACH ROW WHEN (OLD.active IS DISTINCT FROM NEW.active)
    EXECUTE FUNCTION account_states_notify();
