-- An appointment carries its barber's display name and its client's username, so that
-- the lists, read far more often than anything else, read one table.  PostgreSQL keeps
-- the copies right: each pairs with its source in a foreign key that cascades a rename,
-- and the booking's check of that key locks the source row against a rename meanwhile.
ALTER TABLE barbers ADD CONSTRAINT barbers_user_id_display_name_key UNIQUE (user_id, display_name);
ALTER TABLE users ADD CONSTRAINT users_id_username_key UNIQUE (id, username);

ALTER TABLE appointments
    ADD COLUMN barber_name text,
    ADD COLUMN client_name text;
UPDATE appointments a
SET barber_name = b.display_name, client_name = u.username
FROM barbers b, users u
WHERE b.user_id = a.barber_id AND u.id = a.client_id;
ALTER TABLE appointments
    ALTER COLUMN barber_name SET NOT NULL,
    ALTER COLUMN client_name SET NOT NULL,
    DROP CONSTRAINT appointments_barber_id_fkey,
    DROP CONSTRAINT appointments_client_id_fkey,
    ADD CONSTRAINT appointments_barber_fkey FOREIGN KEY (barber_id, barber_name)
        REFERENCES barbers (user_id, display_name) ON UPDATE CASCADE,
    ADD CONSTRAINT appointments_client_fkey FOREIGN KEY (client_id, client_name)
        REFERENCES users (id, username) ON UPDATE CASCADE;
