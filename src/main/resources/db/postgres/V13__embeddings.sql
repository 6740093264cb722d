-- A sentence-embedding model's vector of a text (issue 22), kept so that a restart, a reload, an added point or
-- another replica never computes it again: the model's name, a SHA-256 of the exact text it was given, and the
-- vector as 384 little-endian float32 values.
CREATE TABLE embeddings (
    model   TEXT NOT NULL,
    hash    TEXT NOT NULL,
    vector  BYTEA NOT NULL,
    PRIMARY KEY (model, hash)
);
