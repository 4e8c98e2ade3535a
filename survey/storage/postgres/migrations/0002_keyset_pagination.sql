-- Reading a campaign page by page (iter_answers, iter_newest, partials, search) walks
-- (campaign, received): without this index each page would scan every campaign's answers
-- in stored order and filter, so a page of the newest of a small campaign would cost the
-- whole table.
CREATE INDEX answers_by_campaign ON answers (campaign, received);
