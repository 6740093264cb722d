-- What came of an action item (issue 15). A closed item (state 'done') is closed as 'done' or as 'wont_do' (with a
-- reason), by closed_by; its outcome is a line of text and an optional link, with who wrote it and when, and is
-- shown and searched as a point of its talk under the item's line. Reopening clears them; every change to them is in
-- action_item_changes, whose new detail column keeps the text of the outcome or reason.
ALTER TABLE action_items ADD COLUMN resolution TEXT;

ALTER TABLE action_items ADD COLUMN closed_by TEXT;

ALTER TABLE action_items ADD COLUMN outcome TEXT;

ALTER TABLE action_items ADD COLUMN outcome_link TEXT;

ALTER TABLE action_items ADD COLUMN outcome_by TEXT;

ALTER TABLE action_items ADD COLUMN outcome_at TEXT;

ALTER TABLE action_item_changes ADD COLUMN detail TEXT;
