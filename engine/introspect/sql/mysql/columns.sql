-- Returns every column of every table and view of the selected schemas, in ordinal order per table.
SELECT c.TABLE_SCHEMA             AS table_schema,
       c.TABLE_NAME               AS table_name,
       c.COLUMN_NAME              AS column_name,
       c.ORDINAL_POSITION         AS ordinal,
       c.COLUMN_DEFAULT           AS column_default,
       c.IS_NULLABLE              AS is_nullable,
       c.DATA_TYPE                AS data_type,
       c.COLUMN_TYPE              AS column_type,
       c.CHARACTER_MAXIMUM_LENGTH AS char_max_length,
       c.NUMERIC_PRECISION        AS numeric_precision,
       c.NUMERIC_SCALE            AS numeric_scale,
       c.DATETIME_PRECISION       AS datetime_precision,
       c.CHARACTER_SET_NAME       AS charset_name,
       c.COLLATION_NAME           AS collation_name,
       c.EXTRA                    AS extra,
       c.COLUMN_COMMENT           AS column_comment,
       c.GENERATION_EXPRESSION    AS generation_expression
FROM information_schema.COLUMNS c
WHERE c.TABLE_SCHEMA IN ({schemas})
ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION
