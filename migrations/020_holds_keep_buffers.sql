-- A time held for a customer on the waitlist keeps the barber's buffer around it, as
-- the booking that claims it will: no other customer's appointment may start inside the
-- held time's buffer, nor reach the held time with its own.  Without it, a booking just
-- after a held time was taken, and the holder's claim was then refused as inside that
-- booking's buffer: the time stayed held for no one until it lapsed.
ALTER TABLE slot_holds
    ADD COLUMN buffer_minutes int NOT NULL DEFAULT 0 CHECK (buffer_minutes BETWEEN 0 AND 240);

-- As migration 015's, with both sides' buffers.  A live appointment that meets a time
-- held for another customer, either's buffer included, is refused; the holder's own that
-- covers the held time, before the hold expires, claims it, and the holder's own that
-- only meets it within a buffer is refused as inside the buffer (it would keep the claim
-- out).
CREATE OR REPLACE FUNCTION appointments_clear_of_holds() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  hold record;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(NEW.barber_id::text, 0));
  FOR hold IN SELECT h.* FROM slot_holds h
              WHERE h.barber_id = NEW.barber_id AND h.state = 'held'
                AND tstzrange(h.starts_at, h.ends_at + make_interval(mins => h.buffer_minutes))
                    && tstzrange(NEW.starts_at, NEW.ends_at + make_interval(mins => NEW.buffer_minutes))
              FOR UPDATE LOOP
    IF hold.client_id <> NEW.client_id THEN
      RAISE EXCEPTION 'held for a customer on the waitlist until %', hold.expires_at USING ERRCODE = 'BB005';
    END IF;
    IF NOT tstzrange(hold.starts_at, hold.ends_at) && tstzrange(NEW.starts_at, NEW.ends_at) THEN
      RAISE EXCEPTION 'inside the buffer of a time held for the same customer' USING ERRCODE = 'BB004';
    END IF;
    IF hold.expires_at <= now() THEN
      RAISE EXCEPTION 'the hold lapsed at %', hold.expires_at USING ERRCODE = 'BB006';
    END IF;
    UPDATE slot_holds SET state = 'claimed', appointment_id = NEW.id WHERE id = hold.id;
    UPDATE waitlist_entries SET state = 'booked' WHERE id = hold.entry_id;
  END LOOP;
  RETURN NEW;
END $$;

-- A hold may only be made on a time that no live appointment meets, either's buffer
-- included.
CREATE OR REPLACE FUNCTION slot_holds_clear_of_appointments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(NEW.barber_id::text, 0));
  IF EXISTS (SELECT 1 FROM appointments a
             WHERE a.barber_id = NEW.barber_id AND a.status IN ('pending', 'confirmed')
               AND a.starts_at > NEW.starts_at - interval '12 hours'
               AND tstzrange(a.starts_at, a.ends_at + make_interval(mins => a.buffer_minutes))
                   && tstzrange(NEW.starts_at, NEW.ends_at + make_interval(mins => NEW.buffer_minutes))) THEN
    RAISE EXCEPTION 'the time was booked meanwhile' USING ERRCODE = 'BB007';
  END IF;
  RETURN NEW;
END $$;
