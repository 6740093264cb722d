-- Titles and speakers again, on their own. The title-first search tier used a column filter on talk_search, and
-- FTS5 then walks every talk that has the word anywhere: thousands for a common word at 10,000 talks. Here it
-- walks only the talks with the word in a title or speaker. rowid = talks.id, as in talk_search.
CREATE VIRTUAL TABLE title_search USING fts5 (
    title, speaker,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

INSERT INTO title_search (rowid, title, speaker) SELECT rowid, title, speaker FROM talk_search;
