-- A barber's time off and their live appointments never overlap, whichever is written
-- first, also when the two race.  Each side takes the barber's transaction lock (the
-- one a booking already takes) and then looks at the other table from a function, whose
-- query sees what committed while it waited for the lock; a plain statement would see
-- only what had committed when it began.
CREATE FUNCTION appointments_clear_of_time_off() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(NEW.barber_id::text, 0));
  IF EXISTS (SELECT 1 FROM time_off t
             WHERE t.barber_id = NEW.barber_id AND t.during && tstzrange(NEW.starts_at, NEW.ends_at)) THEN
    RAISE EXCEPTION 'the barber is off at that time' USING ERRCODE = 'BB001';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER appointments_clear_of_time_off_on_insert BEFORE INSERT ON appointments
    FOR EACH ROW WHEN (NEW.status IN ('pending', 'confirmed'))
    EXECUTE FUNCTION appointments_clear_of_time_off();
CREATE TRIGGER appointments_clear_of_time_off_on_move BEFORE UPDATE OF starts_at, ends_at ON appointments
    FOR EACH ROW WHEN (NEW.status IN ('pending', 'confirmed')
                       AND (NEW.starts_at, NEW.ends_at) IS DISTINCT FROM (OLD.starts_at, OLD.ends_at))
    EXECUTE FUNCTION appointments_clear_of_time_off();

CREATE FUNCTION time_off_clear_of_appointments() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  clash text;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(NEW.barber_id::text, 0));
  SELECT string_agg(a.id::text, ', ' ORDER BY a.starts_at) INTO clash
  FROM appointments a
  WHERE a.barber_id = NEW.barber_id AND a.status IN ('pending', 'confirmed')
    AND tstzrange(a.starts_at, a.ends_at) && NEW.during;
  IF clash IS NOT NULL THEN
    RAISE EXCEPTION 'live appointments in that time: %', clash USING ERRCODE = 'BB002';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER time_off_clear_of_appointments BEFORE INSERT OR UPDATE OF during, barber_id ON time_off
    FOR EACH ROW EXECUTE FUNCTION time_off_clear_of_appointments();

ALTER TABLE time_off
    ADD CONSTRAINT time_off_bounded CHECK (NOT isempty(during) AND NOT lower_inf(during) AND NOT upper_inf(during)),
    ADD CONSTRAINT time_off_reason_length CHECK (length(reason) <= 200),
    ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
