-- Columns of every table in the schemas of $1, in table order then column order.
SELECT n.nspname AS schema,
       c.relname AS table_name,
       a.attname AS name,
       a.attnum AS ordinal,
       format_type(a.atttypid, a.atttypmod) AS declared,
       CASE WHEN t.typcategory = 'A' THEN et.typname ELSE t.typname END AS type_name,
       CASE WHEN t.typcategory = 'A' THEN etn.nspname ELSE tn.nspname END AS type_schema,
       CASE WHEN t.typcategory = 'A' THEN et.typtype ELSE t.typtype END::text AS typtype,
       CASE WHEN t.typcategory = 'A' THEN greatest(a.attndims, 1) ELSE 0 END AS array_dims,
       NOT a.attnotnull AS nullable,
       CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END AS default_expr,
       CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END AS generated_expr,
       a.attgenerated::text AS generated,
       a.attidentity::text AS identity,
       CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN co.collname END AS collation,
       col_description(c.oid, a.attnum) AS comment
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_namespace tn ON tn.oid = t.typnamespace
LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
LEFT JOIN pg_namespace etn ON etn.oid = et.typnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
WHERE n.nspname = ANY ($1::text[])
  AND c.relkind IN ('r', 'p', 'f')
  AND a.attnum > 0
  AND NOT a.attisdropped
ORDER BY 1, 2, 4
