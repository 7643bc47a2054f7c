-- Returns one row per base table and MariaDB sequence of the selected schemas: engine, comment, collation, sizes.
SELECT t.TABLE_SCHEMA    AS table_schema,
       t.TABLE_NAME      AS table_name,
       t.TABLE_TYPE      AS table_type,
       t.ENGINE          AS engine,
       t.TABLE_COMMENT   AS table_comment,
       t.TABLE_COLLATION AS table_collation,
       t.AUTO_INCREMENT  AS auto_increment,
       t.TABLE_ROWS      AS table_rows,
       t.DATA_LENGTH     AS data_length,
       t.INDEX_LENGTH    AS index_length
FROM information_schema.TABLES t
WHERE t.TABLE_SCHEMA IN ({schemas})
  AND t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED', 'SEQUENCE')
ORDER BY t.TABLE_SCHEMA, t.TABLE_NAME
