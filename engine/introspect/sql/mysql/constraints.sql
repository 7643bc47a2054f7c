-- Returns the PRIMARY KEY and UNIQUE constraints of the selected schemas (their columns come from the index of the same name).
SELECT tc.TABLE_SCHEMA    AS table_schema,
       tc.TABLE_NAME      AS table_name,
       tc.CONSTRAINT_NAME AS constraint_name,
       tc.CONSTRAINT_TYPE AS constraint_type
FROM information_schema.TABLE_CONSTRAINTS tc
WHERE tc.TABLE_SCHEMA IN ({schemas})
  AND tc.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE')
ORDER BY tc.TABLE_SCHEMA, tc.TABLE_NAME, tc.CONSTRAINT_NAME
