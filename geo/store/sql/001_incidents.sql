-- The incident store: one row per event, every CSV column as the text the analyst wrote
-- (so a store pulled back to CSV is byte for byte the file that was pushed), a PostGIS point
-- derived from latitude/longitude, and the history of every change, written by triggers.
--
-- Applied by geo/store/migrate.py inside one transaction, with search_path set to the
-- store's schema and then PostGIS's, so names here are unqualified. The CHECK constraints
-- mirror geo/incidents/validate.py as a second line for writes that bypass the tool (psql,
-- QGIS); the tool validates first and names the file, line and column itself.

CREATE SEQUENCE event_number AS bigint MINVALUE 1;

CREATE TABLE incidents (
    event_id_cnty text NOT NULL PRIMARY KEY
        CONSTRAINT incidents_event_id_cnty_check CHECK (btrim(event_id_cnty) <> ''),
    event_date text NOT NULL
        CONSTRAINT incidents_event_date_check
        CHECK (event_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' AND event_date >= '2011-01-01'),
    year text NOT NULL DEFAULT ''
        CONSTRAINT incidents_year_check CHECK (btrim(year) IN ('', left(event_date, 4))),
    time_precision text NOT NULL DEFAULT ''
        CONSTRAINT incidents_time_precision_check
        CHECK (btrim(time_precision) IN ('', '1', '2', '3')),
    disorder_type text NOT NULL DEFAULT ''
        CONSTRAINT incidents_disorder_type_check CHECK (disorder_type IN (
            '', 'Political violence', 'Demonstrations', 'Strategic developments',
            'Political violence; Demonstrations')),
    event_type text NOT NULL,
    sub_event_type text NOT NULL,
    actor1 text NOT NULL DEFAULT '',
    assoc_actor_1 text NOT NULL DEFAULT '',
    actor2 text NOT NULL DEFAULT '',
    assoc_actor_2 text NOT NULL DEFAULT '',
    civilian_targeting text NOT NULL DEFAULT ''
        CONSTRAINT incidents_civilian_targeting_check
        CHECK (civilian_targeting IN ('', 'Civilian targeting')),
    iso text NOT NULL DEFAULT '',
    country text NOT NULL DEFAULT '',
    admin1 text NOT NULL DEFAULT '',
    admin2 text NOT NULL DEFAULT '',
    admin3 text NOT NULL DEFAULT '',
    location text NOT NULL
        CONSTRAINT incidents_location_check CHECK (btrim(location) <> ''),
    -- Numbers as written; the bounds are those of the sub-districts the validator accepts.
    latitude text NOT NULL
        CONSTRAINT incidents_latitude_check CHECK (CASE
            WHEN latitude ~ '^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$'
            THEN latitude::float8 BETWEEN 34.8 AND 36.9 ELSE false END),
    longitude text NOT NULL
        CONSTRAINT incidents_longitude_check CHECK (CASE
            WHEN longitude ~ '^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$'
            THEN longitude::float8 BETWEEN 35.7 AND 38.5 ELSE false END),
    geo_precision text NOT NULL
        CONSTRAINT incidents_geo_precision_check CHECK (btrim(geo_precision) IN ('1', '2', '3')),
    source text NOT NULL
        CONSTRAINT incidents_source_check CHECK (btrim(source) <> ''),
    source_scale text NOT NULL DEFAULT '',
    notes text NOT NULL DEFAULT '',
    fatalities text NOT NULL DEFAULT ''
        CONSTRAINT incidents_fatalities_check CHECK (btrim(fatalities) ~ '^[0-9]*$'),
    injured text NOT NULL DEFAULT ''
        CONSTRAINT incidents_injured_check CHECK (btrim(injured) ~ '^[0-9]*$'),
    tags text NOT NULL DEFAULT '',
    "timestamp" text NOT NULL DEFAULT '',
    source_url text NOT NULL DEFAULT '',
    place_id text NOT NULL DEFAULT '',
    -- Columns a user added to the CSV store, by name (their order is in store_columns).
    extra jsonb NOT NULL DEFAULT '{}'
        CONSTRAINT incidents_extra_check CHECK (jsonb_typeof(extra) = 'object'),
    geom geometry(Point, 4326) NOT NULL
        GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(longitude::float8, latitude::float8), 4326))
        STORED,
    CONSTRAINT incidents_sub_event_type_check CHECK ((event_type, sub_event_type) IN (
        ('Battles', 'Armed clash'),
        ('Battles', 'Government regains territory'),
        ('Battles', 'Non-state actor overtakes territory'),
        ('Explosions/Remote violence', 'Chemical weapon'),
        ('Explosions/Remote violence', 'Air/drone strike'),
        ('Explosions/Remote violence', 'Suicide bomb'),
        ('Explosions/Remote violence', 'Shelling/artillery/missile attack'),
        ('Explosions/Remote violence', 'Remote explosive/landmine/IED'),
        ('Explosions/Remote violence', 'Grenade'),
        ('Violence against civilians', 'Sexual violence'),
        ('Violence against civilians', 'Attack'),
        ('Violence against civilians', 'Abduction/forced disappearance'),
        ('Protests', 'Peaceful protest'),
        ('Protests', 'Protest with intervention'),
        ('Protests', 'Excessive force against protesters'),
        ('Riots', 'Violent demonstration'),
        ('Riots', 'Mob violence'),
        ('Strategic developments', 'Agreement'),
        ('Strategic developments', 'Arrests'),
        ('Strategic developments', 'Change to group/activity'),
        ('Strategic developments', 'Disrupted weapons use'),
        ('Strategic developments', 'Headquarters or base established'),
        ('Strategic developments', 'Looting/property destruction'),
        ('Strategic developments', 'Non-violent transfer of territory'),
        ('Strategic developments', 'Other'))),
    -- A value the CSV writer would write as a line break (CR) is stored as one (LF), and no
    -- field is longer than the store's field limit (geo/limits.py, MAX_FIELD_CHARS).
    CONSTRAINT incidents_text_check CHECK (
        strpos(concat_ws('', event_id_cnty, event_date, year, time_precision, disorder_type,
            event_type, sub_event_type, actor1, assoc_actor_1, actor2, assoc_actor_2,
            civilian_targeting, iso, country, admin1, admin2, admin3, location, latitude,
            longitude, geo_precision, source, source_scale, notes, fatalities, injured, tags,
            "timestamp", source_url, place_id, extra::text), E'\r') = 0
        AND greatest(length(actor1), length(assoc_actor_1), length(actor2),
            length(assoc_actor_2), length(location), length(source), length(notes),
            length(tags), length(source_url), length(admin1), length(admin2), length(admin3),
            length(event_id_cnty), length(source_scale), length(place_id)) <= 100000)
);

-- The same-event check of an add looks up stored rows by date and type; a build reads the
-- store in this order (code points, as the CSV store sorts), so no sort is needed.
CREATE INDEX incidents_event_idx ON incidents (event_date, sub_event_type);
CREATE INDEX incidents_order_idx ON incidents (event_date COLLATE "C", event_id_cnty COLLATE "C");
CREATE INDEX incidents_geom_idx ON incidents USING gist (geom);

-- Extra CSV columns, in the order the CSV store had them.
CREATE TABLE store_columns (
    position integer PRIMARY KEY,
    name text NOT NULL UNIQUE CONSTRAINT store_columns_name_check CHECK (btrim(name) <> '')
);

-- Every insert, update and delete of an incident: who (the database user that logged in,
-- and the analyst named with --analyst), when, and the row before and after.
CREATE TABLE incident_history (
    change_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id_cnty text NOT NULL,
    operation text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
    changed_at timestamptz NOT NULL DEFAULT now(),
    db_user text NOT NULL DEFAULT session_user,
    analyst text,
    transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
    old_row jsonb,
    new_row jsonb
);
CREATE INDEX incident_history_event_idx ON incident_history (event_id_cnty, change_id);

-- Ids SYR-IDL-000017 … from the sequence, for rows inserted without one; a number an
-- explicit id already holds is skipped. Runs as the store's owner (SECURITY DEFINER), so an
-- analyst needs no right on the sequence.
CREATE FUNCTION assign_event_id() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    candidate text;
BEGIN
    LOOP
        candidate := 'SYR-IDL-' || lpad(nextval('event_number')::text, 6, '0');
        EXIT WHEN NOT EXISTS (SELECT 1 FROM incidents WHERE event_id_cnty = candidate);
    END LOOP;
    NEW.event_id_cnty := candidate;
    RETURN NEW;
END
$$;
CREATE TRIGGER incidents_assign_id BEFORE INSERT ON incidents
    FOR EACH ROW WHEN (NEW.event_id_cnty IS NULL OR btrim(NEW.event_id_cnty) = '')
    EXECUTE FUNCTION assign_event_id();

-- An incident as JSON for the history: every column as written, and the extra columns.
-- Listed rather than to_jsonb(row): that would also render the point as GeoJSON, for
-- nothing (the history keeps latitude and longitude), and take four times as long.
CREATE FUNCTION incident_json(r incidents) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object(
        'event_id_cnty', r.event_id_cnty,
        'event_date', r.event_date,
        'year', r.year,
        'time_precision', r.time_precision,
        'disorder_type', r.disorder_type,
        'event_type', r.event_type,
        'sub_event_type', r.sub_event_type,
        'actor1', r.actor1,
        'assoc_actor_1', r.assoc_actor_1,
        'actor2', r.actor2,
        'assoc_actor_2', r.assoc_actor_2,
        'civilian_targeting', r.civilian_targeting,
        'iso', r.iso,
        'country', r.country,
        'admin1', r.admin1,
        'admin2', r.admin2,
        'admin3', r.admin3,
        'location', r.location,
        'latitude', r.latitude,
        'longitude', r.longitude,
        'geo_precision', r.geo_precision,
        'source', r.source,
        'source_scale', r.source_scale,
        'notes', r.notes,
        'fatalities', r.fatalities,
        'injured', r.injured,
        'tags', r.tags,
        'timestamp', r."timestamp",
        'source_url', r.source_url,
        'place_id', r.place_id,
        'extra', r.extra)
$$;

-- The history, written by the database itself: no client can skip it. The analyst's name
-- comes from the transaction-local setting idlib.analyst (set with set_config by the tool).
-- Inserts and deletes are recorded once per statement from its transition table (a push
-- of 100,000 rows writes their history in one INSERT … SELECT); an update row by row, so
-- that each old row stays paired with its new one even when the id changes.
CREATE FUNCTION record_rows() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO incident_history (event_id_cnty, operation, analyst, new_row)
        SELECT event_id_cnty, TG_OP, nullif(current_setting('idlib.analyst', true), ''),
               incident_json(changed)
        FROM new_rows AS changed;
    ELSE
        INSERT INTO incident_history (event_id_cnty, operation, analyst, old_row)
        SELECT event_id_cnty, TG_OP, nullif(current_setting('idlib.analyst', true), ''),
               incident_json(changed)
        FROM old_rows AS changed;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER incidents_history_insert AFTER INSERT ON incidents
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_rows();
CREATE TRIGGER incidents_history_delete AFTER DELETE ON incidents
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION record_rows();

CREATE FUNCTION record_update() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO incident_history (event_id_cnty, operation, analyst, old_row, new_row)
    VALUES (NEW.event_id_cnty, TG_OP, nullif(current_setting('idlib.analyst', true), ''),
            incident_json(OLD), incident_json(NEW));
    RETURN NULL;
END
$$;
CREATE TRIGGER incidents_history_update AFTER UPDATE ON incidents
    FOR EACH ROW EXECUTE FUNCTION record_update();

-- History is append-only, and TRUNCATE (which fires no row trigger) is refused on both.
CREATE FUNCTION refuse_change() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    RAISE EXCEPTION 'idlib: % on % is not allowed (the history is append-only; delete '
        'incidents one by one so that each deletion is recorded)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER incident_history_append_only BEFORE UPDATE OR DELETE ON incident_history
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER incident_history_no_truncate BEFORE TRUNCATE ON incident_history
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER incidents_no_truncate BEFORE TRUNCATE ON incidents
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
