-- A barber's booking rules (GetAvailableSlots and bookings follow them): each left NULL
-- follows the shop's default.
ALTER TABLE barbers
    ADD COLUMN buffer_minutes int CHECK (buffer_minutes BETWEEN 0 AND 240 AND buffer_minutes % 5 = 0),
    ADD COLUMN min_notice_minutes int CHECK (min_notice_minutes BETWEEN 0 AND 43200),
    ADD COLUMN horizon_days int CHECK (horizon_days BETWEEN 1 AND 730),
    ADD COLUMN grid_minutes int CHECK (grid_minutes BETWEEN 5 AND 240 AND grid_minutes % 5 = 0),
    ADD COLUMN cancel_notice_minutes int CHECK (cancel_notice_minutes BETWEEN 0 AND 10080);

-- The time a barber keeps free after an appointment, as the barber's buffer was when it
-- was booked or last moved.
ALTER TABLE appointments
    ADD COLUMN buffer_minutes int NOT NULL DEFAULT 0 CHECK (buffer_minutes BETWEEN 0 AND 240);

-- No live appointment of a barber starts within another's buffer, also when two bookings
-- race: like the time-off check, it takes the barber's transaction lock and then looks
-- from a function, whose query sees what committed while it waited.  A plain overlap is
-- left to the exclusion constraint, which reports it as such.  An appointment lasts at
-- most 8 hours and a buffer at most 4, so one that reaches this one starts at most 12
-- hours before it.
CREATE FUNCTION appointments_clear_of_buffers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(NEW.barber_id::text, 0));
  IF EXISTS (SELECT 1 FROM appointments a
             WHERE a.barber_id = NEW.barber_id AND a.id <> NEW.id AND a.status IN ('pending', 'confirmed')
               AND a.starts_at > NEW.starts_at - interval '12 hours'
               AND a.starts_at < NEW.ends_at + make_interval(mins => NEW.buffer_minutes)
               AND a.ends_at + make_interval(mins => a.buffer_minutes) > NEW.starts_at
               AND NOT (a.starts_at < NEW.ends_at AND NEW.starts_at < a.ends_at)) THEN
    RAISE EXCEPTION 'inside the buffer after an appointment' USING ERRCODE = 'BB004';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER appointments_clear_of_buffers_on_insert BEFORE INSERT ON appointments
    FOR EACH ROW WHEN (NEW.status IN ('pending', 'confirmed'))
    EXECUTE FUNCTION appointments_clear_of_buffers();
CREATE TRIGGER appointments_clear_of_buffers_on_move BEFORE UPDATE OF starts_at, ends_at, buffer_minutes
    ON appointments
    FOR EACH ROW WHEN (NEW.status IN ('pending', 'confirmed')
                       AND (NEW.starts_at, NEW.ends_at, NEW.buffer_minutes)
                           IS DISTINCT FROM (OLD.starts_at, OLD.ends_at, OLD.buffer_minutes))
    EXECUTE FUNCTION appointments_clear_of_buffers();
