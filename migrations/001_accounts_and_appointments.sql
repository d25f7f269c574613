-- Accounts, barbers with their working hours and time off, appointments, and the
-- transactional outbox that carries every appointment change to the real-time service.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE users (
    id            uuid PRIMARY KEY,
    username      text NOT NULL UNIQUE,
    email         text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('customer', 'barber', 'admin')),
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE barbers (
    user_id      uuid PRIMARY KEY REFERENCES users (id),
    display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 64),
    auto_confirm boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX barbers_display_name_key ON barbers (lower(display_name));

-- Wall-clock opening hours in the shop's time zone; ISO weekday 1 = Monday.
CREATE TABLE working_hours (
    barber_id     uuid NOT NULL REFERENCES barbers (user_id) ON DELETE CASCADE,
    weekday       smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    opens_minute  integer NOT NULL CHECK (opens_minute >= 0),
    closes_minute integer NOT NULL CHECK (closes_minute <= 1440),
    CHECK (opens_minute < closes_minute),
    PRIMARY KEY (barber_id, weekday, opens_minute)
);

CREATE TABLE time_off (
    id        bigserial PRIMARY KEY,
    barber_id uuid NOT NULL REFERENCES barbers (user_id) ON DELETE CASCADE,
    during    tstzrange NOT NULL,
    reason    text NOT NULL DEFAULT ''
);
CREATE INDEX time_off_barber_during ON time_off USING gist (barber_id, during);

CREATE TABLE appointments (
    id         uuid PRIMARY KEY,
    barber_id  uuid NOT NULL REFERENCES barbers (user_id),
    client_id  uuid NOT NULL REFERENCES users (id),
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL,
    status     text NOT NULL CHECK (status IN ('pending', 'confirmed', 'canceled', 'completed', 'no_show')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at),
    -- No double booking, whatever the code above does: two live appointments of one
    -- barber, or of one client, never overlap.
    CONSTRAINT appointments_barber_no_overlap EXCLUDE USING gist
        (barber_id WITH =, tstzrange(starts_at, ends_at) WITH &&) WHERE (status IN ('pending', 'confirmed')),
    CONSTRAINT appointments_client_no_overlap EXCLUDE USING gist
        (client_id WITH =, tstzrange(starts_at, ends_at) WITH &&) WHERE (status IN ('pending', 'confirmed'))
);
CREATE INDEX appointments_client_starts ON appointments (client_id, starts_at);
CREATE INDEX appointments_barber_starts ON appointments (barber_id, starts_at);

-- Written in the same transaction as the change it announces.
CREATE TABLE outbox (
    id           bigserial PRIMARY KEY,
    event_id     uuid NOT NULL UNIQUE,
    aggregate_id uuid NOT NULL,
    routing_key  text NOT NULL,
    payload      jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
