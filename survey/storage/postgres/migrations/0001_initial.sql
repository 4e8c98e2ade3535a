-- The first schema: answers (one row each), the kept count per campaign, small collections
-- (one table, a JSONB body per record) and the per-collection version behind stamp().

-- unaccent is a trusted extension (PostgreSQL 13+): the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TABLE answers (
    received    bigserial PRIMARY KEY,  -- the order answers were stored in (oldest first)
    campaign    text NOT NULL,
    id          text NOT NULL,
    fingerprint text NOT NULL,          -- the content as first sent: what a resent copy is compared with
    body        jsonb NOT NULL,
    CONSTRAINT answers_once UNIQUE (campaign, id)
);

-- Kept, not counted: bumped in the transaction that inserts or deletes answers. A campaign
-- keeps its row after its last answer is deleted (campaigns() lists those that held answers).
CREATE TABLE answer_campaigns (
    campaign text PRIMARY KEY,
    total    bigint NOT NULL DEFAULT 0
);

CREATE TABLE records (
    seq        bigserial PRIMARY KEY,   -- the order records were first written in (all())
    collection text NOT NULL,
    key        text NOT NULL,           -- the record's id; a generated one for appended records
    body       jsonb NOT NULL,
    CONSTRAINT records_once UNIQUE (collection, key)
);

CREATE TABLE record_versions (
    collection text PRIMARY KEY,
    version    bigint NOT NULL
);
