-- Each person's time zone as Slack's users.info gave it, looked up once and kept, so a reminder reaches them at
-- about 09:30 of their own morning (issue 15). zone is NULL when Slack had none: the bot's QCON_TIMEZONE is used.
CREATE TABLE user_zones (
    user_id       TEXT PRIMARY KEY,
    zone          TEXT,
    looked_up_at  TEXT NOT NULL
);
