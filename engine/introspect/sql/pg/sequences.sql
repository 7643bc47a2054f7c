-- Sequences of the schemas in $1 with their options, the column that owns
-- them (serial / identity) and, when $2 is true, their current value.
SELECT n.nspname AS schema,
       c.relname AS name,
       format_type(s.seqtypid, NULL) AS data_type,
       s.seqstart AS start_value,
       s.seqincrement AS increment,
       s.seqmin AS min_value,
       s.seqmax AS max_value,
       s.seqcache AS cache,
       s.seqcycle AS cycle,
       CASE WHEN $2::bool AND has_sequence_privilege(c.oid, 'SELECT')
            THEN pg_sequence_last_value(c.oid) END AS last_value,
       (SELECT rc.relname || '.' || ra.attname
        FROM pg_depend d
        JOIN pg_class rc ON rc.oid = d.refobjid
        JOIN pg_attribute ra ON ra.attrelid = d.refobjid AND ra.attnum = d.refobjsubid
        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
          AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
        LIMIT 1) AS owned_by
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY ($1::text[])
ORDER BY 1, 2
