-- An answer stored in one statement (issue 15 §6: the app's CPU per POST bounds the
-- submissions/s on PostgreSQL).
--
-- The campaign's kept counts (answer_campaigns) were bumped by a second statement of the
-- writer's transaction (an INSERT … WHERE EXISTS (the row is this transaction's)), so an
-- answer took BEGIN, three statements and COMMIT. The trigger that already bumps the parts'
-- versions now bumps the counts too, from the rows the statement really inserted or deleted
-- (an INSERT … ON CONFLICT DO NOTHING that found the answer there counts nothing): one
-- statement, committed by itself, stores an answer and its counts. Locks are taken in the
-- order they were (the part's version, then the campaign's counts), for inserts and deletes
-- alike, so two writers still never deadlock. A COPY into answers is counted the same way.

CREATE OR REPLACE FUNCTION answer_parts_touched() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO answer_parts (campaign, part, shard, version)
        SELECT campaign, part, survey_write_shard(), 1
          FROM (SELECT DISTINCT campaign, part FROM new_rows ORDER BY campaign, part) touched
        ON CONFLICT (campaign, part, shard) DO UPDATE SET version = answer_parts.version + 1;
        INSERT INTO answer_campaigns (campaign, shard, total, added)
        SELECT campaign, survey_write_shard(), count(*), count(*) FROM new_rows GROUP BY campaign ORDER BY campaign
        ON CONFLICT (campaign, shard) DO UPDATE
           SET total = answer_campaigns.total + EXCLUDED.total, added = answer_campaigns.added + EXCLUDED.added;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO answer_parts (campaign, part, shard, version)
        SELECT campaign, part, survey_write_shard(), 1
          FROM (SELECT campaign, part FROM new_rows UNION SELECT campaign, part FROM old_rows
                ORDER BY campaign, part) touched
        ON CONFLICT (campaign, part, shard) DO UPDATE SET version = answer_parts.version + 1;
        DELETE FROM answer_summaries s
         USING (SELECT campaign, part FROM new_rows UNION SELECT campaign, part FROM old_rows) touched
         WHERE s.campaign = touched.campaign AND s.part = touched.part;
    ELSE
        INSERT INTO answer_parts (campaign, part, shard, version)
        SELECT campaign, part, survey_write_shard(), 1
          FROM (SELECT DISTINCT campaign, part FROM old_rows ORDER BY campaign, part) touched
        ON CONFLICT (campaign, part, shard) DO UPDATE SET version = answer_parts.version + 1;
        DELETE FROM answer_summaries s
         USING (SELECT DISTINCT campaign, part FROM old_rows) touched
         WHERE s.campaign = touched.campaign AND s.part = touched.part;
        INSERT INTO answer_campaigns (campaign, shard, total, added)
        SELECT campaign, survey_write_shard(), -count(*), 0 FROM old_rows GROUP BY campaign ORDER BY campaign
        ON CONFLICT (campaign, shard) DO UPDATE SET total = answer_campaigns.total + EXCLUDED.total;
    END IF;
    RETURN NULL;
END
$$;
