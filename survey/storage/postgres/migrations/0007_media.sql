-- Recordings and drawings of answers (issue 16 §2) on a shared instance: every server must send
-- back a medium received through another, so they are rows, not files of one machine (as the
-- photos of 0003). bytea as they are: a recording is a few megabytes at most
-- (MEDIA_MAX_RECORDING_BYTES, checked before). Deleted with their answer by the app.
CREATE TABLE media (
    campaign text NOT NULL,
    name     text NOT NULL,
    data     bytea NOT NULL,
    PRIMARY KEY (campaign, name)
);
