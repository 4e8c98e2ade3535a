-- Board photos of field sessions on a shared instance: every server must send back a photo
-- taken through another, so they are rows, not files of one machine. bytea, not base64 in
-- JSONB: a photo (8 MB at most, services/fieldwork/photos.py) is stored and sent as it is.
CREATE TABLE photos (
    campaign text NOT NULL,
    session  text NOT NULL,
    name     text NOT NULL,
    data     bytea NOT NULL,
    PRIMARY KEY (campaign, session, name)
);
