-- Returns every database (schema) with its default character set and collation; the caller drops the system ones.
SELECT s.SCHEMA_NAME                AS schema_name,
       s.DEFAULT_CHARACTER_SET_NAME AS charset_name,
       s.DEFAULT_COLLATION_NAME     AS collation_name
FROM information_schema.SCHEMATA s
ORDER BY s.SCHEMA_NAME
