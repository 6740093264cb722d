-- A number that every change of the talks raises (a sync of the notes, a point added, edited or removed in Slack,
-- an import), in the same transaction. A bot sharing the database with others reads it every few seconds and, when
-- it moved, rebuilds its own search index from the shared talks (docs/REPLICAS.md).
CREATE TABLE notes_version (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  INTEGER NOT NULL
);

INSERT INTO notes_version (id, version) VALUES (1, 0);
