-- The relay wakes on NOTIFY instead of polling; reminders are recorded so that each is
-- sent once, whichever replica gets there first.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outbox', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- "Is there an earlier unsent event of this appointment?" keeps per-appointment order.
CREATE INDEX outbox_unsent_by_aggregate ON outbox (aggregate_id, id) WHERE sent_at IS NULL;
CREATE INDEX outbox_sent_at ON outbox (sent_at) WHERE sent_at IS NOT NULL;

CREATE TABLE reminders_sent (
    appointment_id uuid NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
    minutes_before integer NOT NULL,
    sent_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (appointment_id, minutes_before)
);
CREATE INDEX appointments_confirmed_starts ON appointments (starts_at) WHERE status = 'confirmed';
