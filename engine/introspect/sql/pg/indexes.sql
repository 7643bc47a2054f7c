-- Indexes of tables in $1: one row per index, keys as parallel arrays
-- (column name or '' for an expression; the key's own definition text;
-- non-default operator class or ''; indoption bit 0 = DESC).
SELECT n.nspname AS schema,
       c.relname AS table_name,
       ic.relname AS name,
       am.amname AS method,
       i.indisunique AS is_unique,
       i.indisprimary AS is_primary,
       EXISTS (SELECT 1 FROM pg_constraint con
               WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                 AND con.contype IN ('p', 'u', 'x')) AS constraint_backed,
       i.indnkeyatts AS key_count,
       ARRAY(SELECT coalesce(a.attname, '')
             FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
             LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum > 0
             ORDER BY k.ord)::text[] AS columns,
       ARRAY(SELECT pg_get_indexdef(i.indexrelid, k.ord, true)
             FROM generate_series(1, i.indnatts::int) k(ord)
             ORDER BY k.ord)::text[] AS key_defs,
       ARRAY(SELECT CASE WHEN oc.opcdefault THEN '' ELSE oc.opcname END
             FROM unnest(i.indclass::oid[]) WITH ORDINALITY k(cls, ord)
             JOIN pg_opclass oc ON oc.oid = k.cls
             ORDER BY k.ord)::text[] AS opclasses,
       ARRAY(SELECT (k.opt::int & 1)::text
             FROM unnest(i.indoption::int2[]) WITH ORDINALITY k(opt, ord)
             ORDER BY k.ord)::text[] AS descending,
       pg_get_expr(i.indpred, i.indrelid, true) AS predicate,
       pg_get_indexdef(i.indexrelid) AS definition,
       obj_description(i.indexrelid, 'pg_class') AS comment
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_am am ON am.oid = ic.relam
WHERE n.nspname = ANY ($1::text[])
  AND c.relkind IN ('r', 'p')
ORDER BY 1, 2, 3
