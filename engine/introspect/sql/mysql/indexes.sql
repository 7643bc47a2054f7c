-- Returns one row per index key part of the selected schemas, PRIMARY first, then by index name and key position.
-- {visible_expr}: 'YES'/'NO' (MySQL 8.0 IS_VISIBLE, MariaDB 10.6+ NOT IGNORED, else 'YES').
-- {expression_expr}: the functional key part's expression (MySQL 8.0.13+ EXPRESSION, else NULL).
SELECT s.TABLE_SCHEMA      AS table_schema,
       s.TABLE_NAME        AS table_name,
       s.INDEX_NAME        AS index_name,
       s.NON_UNIQUE        AS non_unique,
       s.SEQ_IN_INDEX      AS seq_in_index,
       s.COLUMN_NAME       AS column_name,
       s.SUB_PART          AS sub_part,
       s.COLLATION         AS key_collation,
       s.INDEX_TYPE        AS index_type,
       s.INDEX_COMMENT     AS index_comment,
       {visible_expr}      AS is_visible,
       {expression_expr}   AS key_expression
FROM information_schema.STATISTICS s
WHERE s.TABLE_SCHEMA IN ({schemas})
ORDER BY s.TABLE_SCHEMA, s.TABLE_NAME, s.INDEX_NAME <> 'PRIMARY', s.INDEX_NAME, s.SEQ_IN_INDEX
