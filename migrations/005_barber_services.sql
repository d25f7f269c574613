-- What each barber offers, how long it takes and what it costs (in the shop currency's
-- minor unit, e.g. cents).  A booking for a service takes its length, and the
-- appointment keeps the service's name and price as they were when it was booked: a
-- later change of the price list changes no booking.
CREATE TABLE barber_services (
    barber_id        uuid NOT NULL REFERENCES barbers (user_id) ON DELETE CASCADE,
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480 AND duration_minutes % 5 = 0),
    price_cents      bigint NOT NULL CHECK (price_cents BETWEEN 0 AND 100000000),
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX barber_services_name_key ON barber_services (barber_id, lower(name));

ALTER TABLE appointments
    ADD COLUMN service_name text,
    ADD COLUMN price_cents bigint,
    ADD CONSTRAINT appointments_service_has_price CHECK ((service_name IS NULL) = (price_cents IS NULL));
