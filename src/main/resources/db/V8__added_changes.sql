-- Every change to a point added in Slack after it was added: who edited or removed it, when, and the text before
-- and after. A removed point stays in added_points (removed_by, removed_at) and is no longer merged into the notes.
CREATE TABLE added_changes (
    id         INTEGER PRIMARY KEY,
    point_id   INTEGER NOT NULL REFERENCES added_points (id),
    action     TEXT NOT NULL,
    by_user    TEXT NOT NULL,
    at         TEXT NOT NULL,
    old_text   TEXT NOT NULL,
    new_text   TEXT
);
