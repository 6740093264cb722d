-- The point an [INTERNAL] sub-point sits under ("ran incident workshops" for "like our clinics"): shown with the
-- item as its context, since a sub-point makes sense only under its parent. NULL for a top-level line.
ALTER TABLE action_items ADD COLUMN parent TEXT;
