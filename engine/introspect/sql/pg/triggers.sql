-- User triggers (not constraint-internal, not clones on partitions) of tables in $1.
-- tgtype bits: 1 ROW, 2 BEFORE, 4 INSERT, 8 DELETE, 16 UPDATE, 32 TRUNCATE, 64 INSTEAD.
SELECT n.nspname AS schema,
       c.relname AS table_name,
       t.tgname AS name,
       t.tgtype::int AS tgtype,
       t.tgenabled <> 'D' AS enabled,
       pg_get_triggerdef(t.oid, true) AS definition
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY ($1::text[])
  AND NOT t.tgisinternal
  AND t.tgparentid = 0
ORDER BY 1, 2, 3
