-- User-defined enum, domain, range and standalone composite types in $1
-- (extension members left out). Domain checks come as "name<US>definition".
SELECT n.nspname AS schema,
       t.typname AS name,
       t.typtype::text AS kind,
       CASE WHEN t.typtype = 'e' THEN
         ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)::text[]
       END AS labels,
       CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod)
            WHEN t.typtype = 'r' THEN (SELECT format_type(r.rngsubtype, NULL) FROM pg_range r WHERE r.rngtypid = t.oid)
       END AS base_type,
       t.typnotnull AS not_null,
       t.typdefault AS default_expr,
       CASE WHEN t.typtype = 'd' THEN
         ARRAY(SELECT con.conname || chr(31) || pg_get_constraintdef(con.oid)
               FROM pg_constraint con WHERE con.contypid = t.oid ORDER BY con.conname)::text[]
       END AS checks,
       CASE WHEN t.typtype = 'c' THEN
         ARRAY(SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
               FROM pg_attribute a
               WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
               ORDER BY a.attnum)::text[]
       END AS attributes
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = ANY ($1::text[])
  AND (t.typtype IN ('e', 'd', 'r')
       OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c'))
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
ORDER BY 1, 2
