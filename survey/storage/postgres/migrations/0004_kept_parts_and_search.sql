-- Pages at a million answers (issue 15): counts kept per part of a campaign, and a search
-- that an index answers.
--
-- 1. Parts. Each answer belongs to a part of its campaign: ``part`` = the number of answers
--    the campaign had received before it, divided by 500 (PART_ROWS in answers.py). A part's
--    ``version`` (answer_parts) takes a new value from a sequence in the same transaction as
--    any insert, change or deletion of one of its answers (the triggers below, so no write can
--    forget it). A summary computed from a part is valid while the version is the same: the
--    app keeps them in memory and in answer_summaries, and reads again only changed parts.
-- 2. Search. A trigram index over the answer's folded text (lower(unaccent(…)) through an
--    IMMUTABLE wrapper, which an index needs), and a partial index of the answers holding a
--    character the app's fold might treat otherwise (they are always returned to the app).

CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE answer_campaigns ADD COLUMN added bigint NOT NULL DEFAULT 0;  -- answers ever inserted
ALTER TABLE answers ADD COLUMN part bigint NOT NULL DEFAULT 0;
UPDATE answers SET part = numbered.n / 500
  FROM (SELECT received, row_number() OVER (PARTITION BY campaign ORDER BY received) - 1 AS n FROM answers) numbered
 WHERE answers.received = numbered.received;
UPDATE answer_campaigns SET added = (SELECT count(*) FROM answers WHERE answers.campaign = answer_campaigns.campaign);
CREATE INDEX answers_by_part ON answers (campaign, part);

CREATE SEQUENCE answer_part_versions;
CREATE TABLE answer_parts (
    campaign text NOT NULL,
    part     bigint NOT NULL,
    version  bigint NOT NULL,  -- new at every write to one of the part's answers
    PRIMARY KEY (campaign, part)
);
INSERT INTO answer_parts (campaign, part, version)
SELECT campaign, part, nextval('answer_part_versions') FROM (SELECT DISTINCT campaign, part FROM answers) parts;

-- Summaries computed by the app from one part's answers (pickled plain data: counters, tuples,
-- the app's dataclasses; the app's loader refuses anything else), under the name of the
-- computation (``key``), valid for the part's version they were made from.
CREATE TABLE answer_summaries (
    campaign text NOT NULL,
    key      text NOT NULL,
    part     bigint NOT NULL,
    version  bigint NOT NULL,
    summary  bytea NOT NULL,
    PRIMARY KEY (campaign, key, part)
);

-- One statement-level trigger function for the three events: the parts touched by the
-- statement get a new version, in a fixed order (no deadlock between two writers).
CREATE FUNCTION answer_parts_touched() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO answer_parts (campaign, part, version)
        SELECT campaign, part, nextval('answer_part_versions')
          FROM (SELECT DISTINCT campaign, part FROM new_rows ORDER BY campaign, part) touched
        ON CONFLICT (campaign, part) DO UPDATE SET version = EXCLUDED.version;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO answer_parts (campaign, part, version)
        SELECT campaign, part, nextval('answer_part_versions')
          FROM (SELECT campaign, part FROM new_rows UNION SELECT campaign, part FROM old_rows
                ORDER BY campaign, part) touched
        ON CONFLICT (campaign, part) DO UPDATE SET version = EXCLUDED.version;
    ELSE
        INSERT INTO answer_parts (campaign, part, version)
        SELECT campaign, part, nextval('answer_part_versions')
          FROM (SELECT DISTINCT campaign, part FROM old_rows ORDER BY campaign, part) touched
        ON CONFLICT (campaign, part) DO UPDATE SET version = EXCLUDED.version;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER answers_inserted AFTER INSERT ON answers
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION answer_parts_touched();
CREATE TRIGGER answers_updated AFTER UPDATE ON answers
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION answer_parts_touched();
CREATE TRIGGER answers_deleted AFTER DELETE ON answers
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION answer_parts_touched();

-- The fold of a search, as an index needs it: unaccent() is only STABLE (its dictionary could
-- change), so the two-argument form with the dictionary named is wrapped in an IMMUTABLE
-- function, schema-qualified where the extension lives.
DO $$
DECLARE
    home text := (SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent');
BEGIN
    EXECUTE format(
        'CREATE FUNCTION survey_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE'
        ' AS $f$ SELECT lower(%1$s.unaccent(%2$L::regdictionary, $1)) $f$',
        home, home || '.unaccent');
END
$$;

-- The characters whose fold the app trusts to be the database's (checked by the app at its
-- first search against its own fold; if one differs, it searches without these indexes).
CREATE FUNCTION survey_plain_characters() RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT ' -~À-ÏÑ-ÖÙ-Ýß-ïñ-öù-ýÿŒœŸ‘’…€' $$;
-- survey_plain_characters() is named with its schema: an index expression must not depend on the
-- search_path (pg_restore runs with an empty one, and would not find the function).
DO $$
BEGIN
    EXECUTE format(
        'CREATE FUNCTION survey_plain(text) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE'
        ' AS $f$ SELECT $1 !~ (''[^'' || %I.survey_plain_characters() || '']'') $f$',
        current_schema());
END
$$;

CREATE INDEX answers_folded_trigrams ON answers USING gin (survey_fold((body->'answers')::text) gin_trgm_ops);
-- « IS FALSE », not « NOT »: the planner then uses the statistics below, so it knows how few
-- answers are not plain and takes the indexes for a rare word (with « NOT » it guessed two
-- thirds of the table and scanned it all, measured: 2.3 s instead of 2 ms at 100 000 answers).
CREATE INDEX answers_not_plain ON answers (campaign, received) WHERE survey_plain((body->'answers')::text) IS FALSE;
CREATE STATISTICS answers_plain_share ON (survey_plain((body->'answers')::text)) FROM answers;
