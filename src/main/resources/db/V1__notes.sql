-- Talks, their bullets and their [INTERNAL] lines, as read from the notes files. The full-text table is SQLite's
-- own (sqlite/V1__notes.sql); PostgreSQL makes the row ids identity columns (postgres/V1__notes.sql).
-- A talk's key (file, day, title slug) and an internal line's key (talk key, normalised text) stay the same
-- when a notes file is edited and read again, so ids that people and later tables use stay put.

CREATE TABLE talks (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    source      TEXT NOT NULL,
    conference  TEXT NOT NULL,
    day         TEXT NOT NULL,
    day_number  INTEGER NOT NULL,
    time        TEXT,
    title       TEXT NOT NULL,
    speaker     TEXT,
    first_line  INTEGER NOT NULL,
    last_line   INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    in_notes    INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE bullets (
    talk_id   INTEGER NOT NULL REFERENCES talks (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    depth     INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    text      TEXT NOT NULL,
    quotes    TEXT NOT NULL,
    line      INTEGER NOT NULL,
    PRIMARY KEY (talk_id, position)
);

CREATE TABLE internal_lines (
    id        INTEGER PRIMARY KEY,
    key       TEXT NOT NULL UNIQUE,
    talk_id   INTEGER NOT NULL REFERENCES talks (id),
    text      TEXT NOT NULL,
    line      INTEGER NOT NULL,
    in_notes  INTEGER NOT NULL DEFAULT 1
);
