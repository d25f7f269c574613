-- The waitlist.  A customer waits for a barber, a day and a window of time (optionally
-- for one service, whose length they need).  When a time in the window frees up, the
-- first in line is offered it and holds it for a while: no one else can book it
-- meanwhile.  The holder claims it (books it), passes it, or lets the hold lapse; then it
-- goes to the next in line.
CREATE TABLE waitlist_entries (
    id uuid PRIMARY KEY,
    client_id uuid NOT NULL REFERENCES users (id),
    barber_id uuid NOT NULL REFERENCES barbers (user_id),
    -- The window: the earliest start and the latest end wanted, instants on the shop day.
    window_from timestamptz NOT NULL,
    window_to timestamptz NOT NULL,
    service_name text,  -- NULL: the shop's default length
    minutes int NOT NULL CHECK (minutes BETWEEN 5 AND 480),
    joined_at timestamptz NOT NULL,
    -- The place in line: joined_at is to the second, and two customers join in one.
    place bigserial NOT NULL,
    state text NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'booked', 'left')),
    CHECK (window_from < window_to),
    CHECK (window_to - window_from >= make_interval(mins => minutes))
);
-- The line for a barber: the waiting entries, the first joined first.
CREATE INDEX waitlist_line ON waitlist_entries (barber_id, place) WHERE state = 'waiting';
CREATE INDEX waitlist_of_client ON waitlist_entries (client_id, joined_at);

-- A time offered to the entry's customer.  While 'held', it is theirs alone: the
-- exclusion constraint keeps two holds of a barber apart, and the triggers below keep a
-- held time and every other customer's live appointment apart, whichever comes first,
-- also when they race (both take the barber's transaction lock, as bookings and time off
-- do).  A hold stays 'held' past its expiry until the core's sweep marks it 'lapsed' and
-- offers the time to the next in line, so that the time passes down the line and is not
-- taken in between; the holder's own booking of it is refused once it has expired.
CREATE TABLE slot_holds (
    id uuid PRIMARY KEY,
    entry_id uuid NOT NULL REFERENCES waitlist_entries (id),
    barber_id uuid NOT NULL REFERENCES barbers (user_id),
    client_id uuid NOT NULL REFERENCES users (id),
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    offered_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    state text NOT NULL DEFAULT 'held' CHECK (state IN ('held', 'claimed', 'passed', 'lapsed', 'withdrawn')),
    appointment_id uuid REFERENCES appointments (id),  -- the booking that claimed it
    CHECK (ends_at > starts_at),
    CHECK (expires_at > offered_at),
    CONSTRAINT slot_holds_no_overlap EXCLUDE USING gist
        (barber_id WITH =, tstzrange(starts_at, ends_at) WITH &&) WHERE (state = 'held')
);
-- One live hold per entry.
CREATE UNIQUE INDEX slot_holds_one_per_entry ON slot_holds (entry_id) WHERE state = 'held';
CREATE INDEX slot_holds_expiring ON slot_holds (expires_at) WHERE state = 'held';
CREATE INDEX slot_holds_of_entry ON slot_holds (entry_id, starts_at);

-- A live appointment may not cover a time held for another customer.  The holder's own
-- booking of it, while the hold has not expired, claims it: the hold becomes 'claimed'
-- and its entry 'booked', in the booking's transaction.
CREATE FUNCTION appointments_clear_of_holds() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  hold record;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(NEW.barber_id::text, 0));
  FOR hold IN SELECT h.* FROM slot_holds h
              WHERE h.barber_id = NEW.barber_id AND h.state = 'held'
                AND tstzrange(h.starts_at, h.ends_at) && tstzrange(NEW.starts_at, NEW.ends_at)
              FOR UPDATE LOOP
    IF hold.client_id <> NEW.client_id THEN
      RAISE EXCEPTION 'held for a customer on the waitlist until %', hold.expires_at USING ERRCODE = 'BB005';
    END IF;
    IF hold.expires_at <= now() THEN
      RAISE EXCEPTION 'the hold lapsed at %', hold.expires_at USING ERRCODE = 'BB006';
    END IF;
    UPDATE slot_holds SET state = 'claimed', appointment_id = NEW.id WHERE id = hold.id;
    UPDATE waitlist_entries SET state = 'booked' WHERE id = hold.entry_id;
  END LOOP;
  RETURN NEW;
END $$;
CREATE TRIGGER appointments_clear_of_holds_on_insert AFTER INSERT ON appointments
    FOR EACH ROW WHEN (NEW.status IN ('pending', 'confirmed'))
    EXECUTE FUNCTION appointments_clear_of_holds();
CREATE TRIGGER appointments_clear_of_holds_on_move AFTER UPDATE OF starts_at, ends_at ON appointments
    FOR EACH ROW WHEN (NEW.status IN ('pending', 'confirmed')
                       AND (NEW.starts_at, NEW.ends_at) IS DISTINCT FROM (OLD.starts_at, OLD.ends_at))
    EXECUTE FUNCTION appointments_clear_of_holds();

-- A hold may only be made on a time no live appointment covers.
CREATE FUNCTION slot_holds_clear_of_appointments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(NEW.barber_id::text, 0));
  IF EXISTS (SELECT 1 FROM appointments a
             WHERE a.barber_id = NEW.barber_id AND a.status IN ('pending', 'confirmed')
               AND tstzrange(a.starts_at, a.ends_at) && tstzrange(NEW.starts_at, NEW.ends_at)) THEN
    RAISE EXCEPTION 'the time was booked meanwhile' USING ERRCODE = 'BB007';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER slot_holds_clear_of_appointments BEFORE INSERT ON slot_holds
    FOR EACH ROW WHEN (NEW.state = 'held')
    EXECUTE FUNCTION slot_holds_clear_of_appointments();
