-- The live-booking count stops at the cap: a booking reads at most that many of the
-- client's future appointments, however many the client holds (an admin or barber may
-- have booked more for them, or the cap may have been lowered).
CREATE OR REPLACE FUNCTION appointments_within_live_cap() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cap integer := nullif(current_setting('barbershop.live_booking_cap', true), '')::integer;
  live integer;
BEGIN
  IF cap IS NULL OR cap <= 0 THEN
    RETURN NEW;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended(NEW.client_id::text, 0));
  SELECT count(*) INTO live FROM (
    SELECT 1 FROM appointments a
    WHERE a.client_id = NEW.client_id AND a.status IN ('pending', 'confirmed') AND a.starts_at > now()
    LIMIT cap) counted;
  IF live >= cap THEN
    RAISE EXCEPTION 'at most % live bookings', cap USING ERRCODE = 'BB003';
  END IF;
  RETURN NEW;
END $$;
