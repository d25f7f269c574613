-- Each account's secret calendar link: an iCalendar feed of its appointments that calendar
-- applications subscribe to.  Only the SHA-256 of the link's token is kept; a new link
-- replaces the row, so the old token then finds nothing.
CREATE TABLE calendar_links (
    user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL
);
