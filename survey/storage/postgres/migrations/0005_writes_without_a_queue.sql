-- Answers to one campaign stored side by side (issue 15 §6: several workers, ≥ 600 answers/s).
--
-- Until now every insert updated two rows that every other insert of the campaign updates
-- too: the campaign's kept counts (answer_campaigns) and its newest part's version
-- (answer_parts). A row lock is held until the commit is on disk, so the campaign's answers
-- were written one after the other, at the pace of one disk flush each (measured: 202/s with
-- 2 workers, against 312/s for a bare INSERT). Each of those rows is now split in 16 shards,
-- chosen by the writing connection's server process: two connections write different rows
-- and commit together (PostgreSQL groups their flushes).
--
-- - A campaign's counts are the sum over its shards.
-- - A part's version is the sum over its shards, each shard counting the writes made through
--   it (+1 per write). A sum of counts that only grow changes at every committed write,
--   whatever the order the writers commit in (a largest number would not: a writer that took
--   a smaller number and commits later would leave it unchanged).

CREATE FUNCTION survey_write_shard() RETURNS smallint LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT (pg_backend_pid() % 16)::smallint $$;

ALTER TABLE answer_campaigns ADD COLUMN shard smallint NOT NULL DEFAULT 0;
ALTER TABLE answer_campaigns DROP CONSTRAINT answer_campaigns_pkey;
ALTER TABLE answer_campaigns ADD PRIMARY KEY (campaign, shard);

ALTER TABLE answer_parts ADD COLUMN shard smallint NOT NULL DEFAULT 0;
ALTER TABLE answer_parts DROP CONSTRAINT answer_parts_pkey;
ALTER TABLE answer_parts ADD PRIMARY KEY (campaign, part, shard);

CREATE OR REPLACE FUNCTION answer_parts_touched() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO answer_parts (campaign, part, shard, version)
        SELECT campaign, part, survey_write_shard(), 1
          FROM (SELECT DISTINCT campaign, part FROM new_rows ORDER BY campaign, part) touched
        ON CONFLICT (campaign, part, shard) DO UPDATE SET version = answer_parts.version + 1;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO answer_parts (campaign, part, shard, version)
        SELECT campaign, part, survey_write_shard(), 1
          FROM (SELECT campaign, part FROM new_rows UNION SELECT campaign, part FROM old_rows
                ORDER BY campaign, part) touched
        ON CONFLICT (campaign, part, shard) DO UPDATE SET version = answer_parts.version + 1;
    ELSE
        INSERT INTO answer_parts (campaign, part, shard, version)
        SELECT campaign, part, survey_write_shard(), 1
          FROM (SELECT DISTINCT campaign, part FROM old_rows ORDER BY campaign, part) touched
        ON CONFLICT (campaign, part, shard) DO UPDATE SET version = answer_parts.version + 1;
    END IF;
    RETURN NULL;
END
$$;
