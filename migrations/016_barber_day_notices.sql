-- Each copy of the core service also keeps, per barber, what their free slots and
-- schedule read beside their appointments: the barber (hours, rules, services), their
-- time off and the times held for the waitlist.  A change to any of these sends the
-- barber's id on migration 007's channel, at commit and only if it commits, whoever made
-- it, so that every copy forgets what it kept of that barber.
CREATE FUNCTION barber_day_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    column_name text := TG_ARGV[0];
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('appointment_lists', '*');
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_notify('appointment_lists', to_jsonb(OLD) ->> column_name);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_notify('appointment_lists', to_jsonb(NEW) ->> column_name);
    END IF;
    RETURN NULL;
END
$$;

-- Each table's row names its barber in the column given.
DO $$
DECLARE
    watched record;
BEGIN
    FOR watched IN SELECT * FROM (VALUES ('barbers', 'user_id'), ('working_hours', 'barber_id'),
                                         ('barber_services', 'barber_id'), ('time_off', 'barber_id'),
                                         ('slot_holds', 'barber_id')) AS w (name, barber_column) LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I '
                       'FOR EACH ROW EXECUTE FUNCTION barber_day_notify(%L)',
                       watched.name || '_day_notify', watched.name, watched.barber_column);
        EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION barber_day_notify()',
                       watched.name || '_day_notify_truncate', watched.name);
    END LOOP;
END
$$;

-- What the service answers from memory for someone signed in it answers only while their
-- session is open: an ended session is sent on migration 010's channel as "ended <id>",
-- at commit, whichever copy (or whoever) ended it.
CREATE FUNCTION session_ended_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('account_states', 'ended ' || NEW.id::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER session_ended_notify AFTER UPDATE OF ended_at ON sessions
    FOR EACH ROW WHEN (OLD.ended_at IS NULL AND NEW.ended_at IS NOT NULL)
    EXECUTE FUNCTION session_ended_notify();
