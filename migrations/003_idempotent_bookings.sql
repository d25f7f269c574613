-- A booking retried with the same idempotency key (the call's `idempotency-key`
-- metadata) books once.  The key is kept with the appointment it made, one per caller
-- who booked; the unique index makes two retries racing each other book once too.
ALTER TABLE appointments
    ADD COLUMN booked_by uuid,
    ADD COLUMN idempotency_key text,
    ADD CONSTRAINT appointments_key_has_booker CHECK ((booked_by IS NULL) = (idempotency_key IS NULL));
CREATE UNIQUE INDEX appointments_idempotency_key ON appointments (booked_by, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
