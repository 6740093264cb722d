-- Talks and points people add from Slack (/qcon add, "Save to conference notes"). They live here, not in a notes
-- file, so reading the files again never removes them: every load of the notes merges them into the talks read
-- from the files (store/Added.java). A removed point is kept with who removed it and when.
CREATE TABLE added_talks (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    conference  TEXT NOT NULL,
    day         TEXT NOT NULL,
    time        TEXT,
    title       TEXT NOT NULL,
    speaker     TEXT,
    added_by    TEXT NOT NULL,
    added_at    TEXT NOT NULL
);

CREATE TABLE added_points (
    id          INTEGER PRIMARY KEY,
    talk_key    TEXT NOT NULL,
    text        TEXT NOT NULL,
    internal    INTEGER NOT NULL,
    added_by    TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    permalink   TEXT,
    removed_by  TEXT,
    removed_at  TEXT,
    -- one submission of the modal (its view id): a double-clicked submit adds the point once
    request     TEXT UNIQUE
);

ALTER TABLE bullets ADD COLUMN added_id INTEGER;
