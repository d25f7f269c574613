-- The relay's claim reads the unsent rows in id order from outbox_unsent and looks up,
-- for each, the earliest unsent row of its appointment in outbox_unsent_by_aggregate.
-- outbox_unsent's predicate now also names routing_key, which only the claim's scan
-- states, so that the lookup can only go by its appointment.  Before, it could walk
-- outbox_unsent from its start, which the planner takes for cheap whenever its
-- statistics (from a normal day) say that no row is unsent: each row claimed then read
-- every unsent row before it.
DROP INDEX outbox_unsent;
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL AND routing_key IS NOT NULL;
