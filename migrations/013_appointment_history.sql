-- Every change to an appointment, written by the statement that makes the change, so in
-- its transaction: who made it, when, and the status and time before and after.  Kept
-- for good, unlike the outbox's sent events.  Changes made before this migration are not
-- here.
CREATE TABLE appointment_history (
    id bigserial PRIMARY KEY,
    appointment_id uuid NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
    changed_at timestamptz NOT NULL,
    change text NOT NULL
        CHECK (change IN ('created', 'confirmed', 'modified', 'canceled', 'completed', 'no_show')),
    actor_id uuid,
    actor_role text NOT NULL CHECK (actor_role IN ('customer', 'barber', 'admin', 'system')),
    from_status text,
    to_status text NOT NULL,
    from_starts_at timestamptz,
    from_ends_at timestamptz,
    to_starts_at timestamptz NOT NULL,
    to_ends_at timestamptz NOT NULL
);
CREATE INDEX appointment_history_of_appointment ON appointment_history (appointment_id, id);
