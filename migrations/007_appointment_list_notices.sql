-- Each copy of the core service keeps recent appointment lists in memory and forgets a
-- party's lists when it hears that their appointments changed.  The notice goes out at
-- commit, with the change and only if it commits, whoever made it: a booking in any
-- copy, a rename cascading onto appointments, an operator's SQL.  PostgreSQL sends one
-- notice per distinct payload per transaction.
CREATE FUNCTION appointment_lists_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('appointment_lists', '*');
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_notify('appointment_lists', OLD.barber_id::text || ' ' || OLD.client_id::text);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_notify('appointment_lists', NEW.barber_id::text || ' ' || NEW.client_id::text);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER appointment_lists_notify AFTER INSERT OR UPDATE OR DELETE ON appointments
    FOR EACH ROW EXECUTE FUNCTION appointment_lists_notify();
CREATE TRIGGER appointment_lists_notify_truncate AFTER TRUNCATE ON appointments
    FOR EACH STATEMENT EXECUTE FUNCTION appointment_lists_notify();
