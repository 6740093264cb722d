-- Taking back what was added (issue 24): a talk added in Slack can be removed by an editor (its points go with it),
-- and so can an imported file (state 'removed'); both keep who did it and when, and nothing is deleted.
ALTER TABLE added_talks ADD COLUMN removed_by TEXT;

ALTER TABLE added_talks ADD COLUMN removed_at TEXT;

ALTER TABLE imports ADD COLUMN removed_by TEXT;

ALTER TABLE imports ADD COLUMN removed_at TEXT;
