-- A NOTIFY makes its transaction take a lock that PostgreSQL holds until the commit is on
-- disk, so that notices queue in commit order: every notifying commit waits for the one
-- before it to be flushed.  With a notice in each booking, bookings from every copy
-- committed one disk flush at a time.  The core's own hot path now commits without one:
--
-- * A copy whose outbox relay runs in its own process marks its pool connections with
--   barbershop.relay_in_process = on, and rings its relay itself after each change: the
--   outbox trigger stays quiet for them.
-- * A booking or a change of an appointment names its appointment in
--   barbershop.lists_told_by_relay for its own transaction.  On such a connection the
--   relay that claims its event tells every copy's list cache (appointment_lists, with
--   migration 007's words) once the change is committed; the trigger stays quiet for it.
--
-- Every other change (an operator's SQL, a cascade, a copy without a relay, a statement
-- that does not name its appointment) notifies at commit as before.
CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('barbershop.relay_in_process', true) IS DISTINCT FROM 'on' THEN
        PERFORM pg_notify('outbox', '');
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION appointment_lists_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('appointment_lists', '*');
        RETURN NULL;
    END IF;
    IF TG_OP <> 'DELETE'
       AND current_setting('barbershop.relay_in_process', true) IS NOT DISTINCT FROM 'on'
       AND current_setting('barbershop.lists_told_by_relay', true) IS NOT DISTINCT FROM NEW.id::text
       AND (TG_OP = 'INSERT' OR (OLD.barber_id = NEW.barber_id AND OLD.client_id = NEW.client_id)) THEN
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
