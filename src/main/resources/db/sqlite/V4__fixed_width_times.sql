-- Times written before this version had 0, 3, 6 or 9 decimals, so comparing their text could put a time after a
-- later one within the same second. Rewrite them all with exactly three decimals, as Db.time() now writes them.

UPDATE action_items SET changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', changed_at) WHERE changed_at IS NOT NULL;

UPDATE action_item_changes SET at = strftime('%Y-%m-%dT%H:%M:%fZ', at);

UPDATE threads SET last_reply_at = strftime('%Y-%m-%dT%H:%M:%fZ', last_reply_at) WHERE last_reply_at IS NOT NULL;

UPDATE handled_requests SET at = strftime('%Y-%m-%dT%H:%M:%fZ', at);

UPDATE scheduled_posts SET fire_at = strftime('%Y-%m-%dT%H:%M:%fZ', fire_at),
    created_at = strftime('%Y-%m-%dT%H:%M:%fZ', created_at),
    lease_until = CASE WHEN lease_until IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%fZ', lease_until) END,
    finished_at = CASE WHEN finished_at IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%fZ', finished_at) END;

UPDATE snoozes SET until = strftime('%Y-%m-%dT%H:%M:%fZ', until);

UPDATE stale_reminders SET sent_at = strftime('%Y-%m-%dT%H:%M:%fZ', sent_at);
