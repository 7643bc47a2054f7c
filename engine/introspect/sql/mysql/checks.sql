-- Returns the CHECK constraints (table- and column-level) of the selected schemas.
-- MariaDB has TABLE_NAME (10.3.10+) and LEVEL (10.5.10+) in CHECK_CONSTRAINTS; MySQL 8.0.16+ needs
-- TABLE_CONSTRAINTS for the table and the ENFORCED flag. The caller fills per server:
-- {table_expr}, {level_expr}, {enforced_expr}, {join}.
SELECT cc.CONSTRAINT_SCHEMA AS table_schema,
       {table_expr}         AS table_name,
       cc.CONSTRAINT_NAME   AS constraint_name,
       cc.CHECK_CLAUSE      AS check_clause,
       {level_expr}         AS check_level,
       {enforced_expr}      AS enforced
FROM information_schema.CHECK_CONSTRAINTS cc
{join}
WHERE cc.CONSTRAINT_SCHEMA IN ({schemas})
ORDER BY cc.CONSTRAINT_SCHEMA, table_name, cc.CONSTRAINT_NAME
