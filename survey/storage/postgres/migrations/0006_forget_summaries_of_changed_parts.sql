-- A summary kept for a part (answer_summaries) may hold words of its answers (« Mots
-- fréquents »). When an answer is changed or deleted — an erasure on request among them — the
-- summaries of its part are deleted in the same transaction, so no word of it outlives it there;
-- the next page that needs them makes them again from the answers as they are. Inserts keep
-- them (a new answer only adds; the kept summary is superseded by the part's new version).

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
    END IF;
    RETURN NULL;
END
$$;
