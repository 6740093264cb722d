-- Post again (issue 25): when a click last took an unposted question to post it. Two clicks at once, or one click
-- on two replicas, take it once; a post whose outcome was never written may be tried again after a while.
ALTER TABLE questions ADD COLUMN posting_since TEXT;
