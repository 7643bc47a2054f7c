-- Tables, partitioned tables, partitions and foreign tables of the schemas in $1,
-- with sizes and the planner's row estimate.
SELECT n.nspname AS schema,
       c.relname AS name,
       c.relkind::text AS relkind,
       c.relpersistence::text AS persistence,
       c.relispartition AS is_partition,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       CASE WHEN c.relispartition THEN
         (SELECT pn.nspname || '.' || pc.relname
          FROM pg_inherits i
          JOIN pg_class pc ON pc.oid = i.inhparent
          JOIN pg_namespace pn ON pn.oid = pc.relnamespace
          WHERE i.inhrelid = c.oid LIMIT 1)
       END AS parent,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       CASE WHEN c.relkind = 'p' THEN (SELECT count(*) FROM pg_inherits i WHERE i.inhparent = c.oid) END
         AS partition_count,
       obj_description(c.oid, 'pg_class') AS comment,
       c.relreplident::text AS replident,
       c.reltuples::bigint AS estimated_rows,
       pg_table_size(c.oid) AS data_bytes,
       pg_indexes_size(c.oid) AS index_bytes
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY ($1::text[])
  AND c.relkind IN ('r', 'p', 'f')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2
