-- Whole notes files added from Slack (/qcon import). A file is previewed before anything changes (state 'pending'),
-- then imported or cancelled; importing a file of the same name again replaces the one before ('replaced'), and
-- every load of the notes reads the imported ones as if they were files on the server.
CREATE TABLE imports (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,
    text     TEXT NOT NULL,
    by_user  TEXT NOT NULL,
    at       TEXT NOT NULL,
    state    TEXT NOT NULL
);
CREATE INDEX imports_by_name ON imports (name, state);
