-- Why an item won't be done is not what came of it (issue 23): the reason of an item closed as won't do, merged
-- under its line, was stored as an OUTCOME bullet and shown as "What came of A3". It gets a kind of its own.
UPDATE bullets SET kind = 'WONT_DO'
WHERE kind = 'OUTCOME' AND added_id IN (SELECT id FROM action_items WHERE resolution = 'wont_do');
