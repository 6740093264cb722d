-- The talk of the day: one row per fire time, written before posting, so each is posted once.

-- The round in which each talk was last posted: every talk goes once before any goes twice.
ALTER TABLE talks ADD COLUMN last_posted_round INTEGER NOT NULL DEFAULT 0;

CREATE TABLE scheduled_posts (
    slot         TEXT PRIMARY KEY,   -- the fire time in wall-clock time and zone, or "now:<instant>" for /qcon post-now
    fire_at      TEXT NOT NULL,      -- the instant it was due
    channel      TEXT NOT NULL,
    talk_id      INTEGER NOT NULL REFERENCES talks (id),
    state        TEXT NOT NULL CHECK (state IN ('pending', 'posted', 'failed', 'expired')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    lease_owner  TEXT,               -- the bot process posting it now
    lease_until  TEXT,               -- after this another process may take over a pending post
    ts           TEXT,               -- the message, once posted
    error        TEXT,
    created_at   TEXT NOT NULL,
    finished_at  TEXT
);

CREATE INDEX scheduled_posts_by_state ON scheduled_posts (state, fire_at);

-- Claimed items whose owner said "not now": left out of stale lists until then.
CREATE TABLE snoozes (
    item_id  INTEGER PRIMARY KEY REFERENCES action_items (id),
    until    TEXT NOT NULL,
    by       TEXT NOT NULL
);

-- When each person last got the weekly reminder about their stale claims.
CREATE TABLE stale_reminders (
    "user"   TEXT PRIMARY KEY,   -- quoted: PostgreSQL reserves the word
    sent_at  TEXT NOT NULL
);
