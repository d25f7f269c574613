-- Limits against abuse that every copy of the core service shares.

-- Failed logins per e-mail and per peer address, and sign-ups per address, each counted
-- in a window that opens with the first attempt.  Past its limit a key is refused until
-- its window ends.  A row whose window has ended counts as empty and starts again.
CREATE TABLE throttle_counts (
    key         text PRIMARY KEY CHECK (length(key) <= 300),
    attempts    integer NOT NULL CHECK (attempts > 0),
    window_ends timestamptz NOT NULL
);
CREATE INDEX throttle_counts_window_ends ON throttle_counts (window_ends);

-- A customer holds at most so many live future bookings.  The booking statement says how
-- many (the transaction-local setting barbershop.live_booking_cap; unset: no limit).  The
-- count is taken under the client's lock, from a function, so that it sees every booking
-- that committed while it waited: bookings racing each other cannot pass the limit.
CREATE FUNCTION appointments_within_live_cap() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cap integer := nullif(current_setting('barbershop.live_booking_cap', true), '')::integer;
  live integer;
BEGIN
  IF cap IS NULL OR cap <= 0 THEN
    RETURN NEW;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended(NEW.client_id::text, 0));
  SELECT count(*) INTO live FROM appointments a
  WHERE a.client_id = NEW.client_id AND a.status IN ('pending', 'confirmed') AND a.starts_at > now();
  IF live >= cap THEN
    RAISE EXCEPTION 'at most % live bookings', cap USING ERRCODE = 'BB003';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER appointments_within_live_cap BEFORE INSERT ON appointments
    FOR EACH ROW WHEN (NEW.status IN ('pending', 'confirmed'))
    EXECUTE FUNCTION appointments_within_live_cap();
