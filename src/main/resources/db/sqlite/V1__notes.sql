-- Ranked search. rowid = talks.id; only talks still in the notes have a row.
CREATE VIRTUAL TABLE talk_search USING fts5 (
    title, speaker, body,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
