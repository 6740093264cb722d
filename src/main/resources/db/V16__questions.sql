-- Ask the team (issue 25). A question the notes could not answer, asked of the team in the questions channel
-- (state 'open'), until a reply is saved as its answer ('answered': answer_point is the point added in Slack, with
-- answered_by, who wrote the reply) or it is closed as 'no_one_knows'. request makes a replayed Ask the team click
-- ask nothing twice; channel, ts and permalink are its post, or post_error says why Slack would not take it (the
-- question stays open for an editor to route). last_activity_at is the last reply in its thread, for staleness.
CREATE TABLE questions (
    id                INTEGER PRIMARY KEY,
    text              TEXT NOT NULL,
    asked_by          TEXT NOT NULL,
    asked_at          TEXT NOT NULL,
    near_talk_key     TEXT,
    request           TEXT NOT NULL UNIQUE,
    state             TEXT NOT NULL,
    channel           TEXT,
    ts                TEXT,
    permalink         TEXT,
    post_error        TEXT,
    last_activity_at  TEXT NOT NULL,
    answer_point      INTEGER,
    answered_by       TEXT,
    closed_by         TEXT,
    closed_at         TEXT
);
CREATE INDEX questions_by_thread ON questions (channel, ts);

-- The replies in a question's thread (its ts, who wrote it, its text as readable words): whoever replied may make
-- a reply the answer, and the question's "Save the answer…" form offers them to pick from.
CREATE TABLE question_replies (
    question_id  INTEGER NOT NULL REFERENCES questions (id),
    ts           TEXT NOT NULL,
    by_user      TEXT NOT NULL,
    at           TEXT NOT NULL,
    text         TEXT NOT NULL,
    PRIMARY KEY (question_id, ts)
);

-- The audit trail of questions: asked, posted, post_failed, answered, no_one_knows; who, when, and a word on it.
CREATE TABLE question_changes (
    id           INTEGER PRIMARY KEY,
    question_id  INTEGER NOT NULL REFERENCES questions (id),
    action       TEXT NOT NULL,
    by_user      TEXT,
    at           TEXT NOT NULL,
    detail       TEXT
);

-- "Answered it" / "Not really" on an answer: the question as asked, the talk and point shown first (the point's line
-- in its file, or P3 for one added in Slack), the kind of click, once per click (request).
CREATE TABLE answer_feedback (
    id        INTEGER PRIMARY KEY,
    question  TEXT NOT NULL,
    talk_key  TEXT,
    point     TEXT,
    kind      TEXT NOT NULL,
    by_user   TEXT NOT NULL,
    at        TEXT NOT NULL,
    request   TEXT NOT NULL UNIQUE
);
