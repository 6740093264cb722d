-- The [INTERNAL] lines become action items people claim, assign, discuss and close.
-- The table is rebuilt (SQLite cannot add table CHECK constraints to an existing one); ids are kept. "user" is
-- quoted: PostgreSQL reserves the word.

CREATE TABLE action_items (
    id           INTEGER PRIMARY KEY,
    key          TEXT NOT NULL UNIQUE,
    talk_id      INTEGER NOT NULL REFERENCES talks (id),
    text         TEXT NOT NULL,
    line         INTEGER NOT NULL,
    in_notes     INTEGER NOT NULL DEFAULT 1,
    state        TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'claimed', 'done')),
    owner        TEXT,
    assigned_by  TEXT,
    changed_at   TEXT,
    version      INTEGER NOT NULL DEFAULT 0,
    CHECK (state <> 'open' OR owner IS NULL),
    CHECK (state <> 'claimed' OR owner IS NOT NULL)
);

INSERT INTO action_items (id, key, talk_id, text, line, in_notes)
SELECT id, key, talk_id, text, line, in_notes FROM internal_lines;

DROP TABLE internal_lines;

-- Every change of state or owner: who, what, when, from which state. Replaying it gives the current state.
CREATE TABLE action_item_changes (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES action_items (id),
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    from_owner  TEXT,
    to_owner    TEXT
);

CREATE INDEX action_item_changes_by_item ON action_item_changes (item_id, id);

-- The message that holds an item's discussion: one per item and channel; its thread is the discussion.
CREATE TABLE threads (
    item_id        INTEGER NOT NULL REFERENCES action_items (id),
    channel        TEXT NOT NULL,
    ts             TEXT NOT NULL,
    permalink      TEXT,
    reply_count    INTEGER NOT NULL DEFAULT 0,
    last_reply_at  TEXT,
    PRIMARY KEY (item_id, channel),
    UNIQUE (channel, ts)
);

CREATE TABLE thread_participants (
    channel  TEXT NOT NULL,
    ts       TEXT NOT NULL,
    "user"   TEXT NOT NULL,
    PRIMARY KEY (channel, ts, "user")
);

-- Events and clicks already handled, so a retried or replayed one changes nothing twice.
CREATE TABLE handled_requests (
    key  TEXT PRIMARY KEY,
    at   TEXT NOT NULL
);
