-- Views and materialized views of the schemas in $1; definitions only when $2.
SELECT n.nspname AS schema,
       c.relname AS name,
       c.relkind = 'm' AS materialized,
       CASE WHEN $2::bool THEN pg_get_viewdef(c.oid, true) END AS definition,
       obj_description(c.oid, 'pg_class') AS comment,
       (SELECT o.option_value FROM pg_options_to_table(c.reloptions) o
        WHERE o.option_name = 'check_option') AS check_option
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY ($1::text[])
  AND c.relkind IN ('v', 'm')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2
