-- A reminder is sent for an appointment at a time: moved, the appointment is reminded
-- of again before its new time.  Keyed by the appointment alone, the reminders sent for
-- its old time stood for the new one, and a confirmed appointment moved after its
-- reminder got none.
ALTER TABLE reminders_sent ADD COLUMN starts_at timestamptz;
UPDATE reminders_sent r SET starts_at = a.starts_at FROM appointments a WHERE a.id = r.appointment_id;
ALTER TABLE reminders_sent ALTER COLUMN starts_at SET NOT NULL;
ALTER TABLE reminders_sent DROP CONSTRAINT reminders_sent_pkey;
ALTER TABLE reminders_sent ADD PRIMARY KEY (appointment_id, starts_at, minutes_before);
