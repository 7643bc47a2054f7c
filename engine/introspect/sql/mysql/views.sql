-- Returns the views of the selected schemas; {definition_expr} is VIEW_DEFINITION, or NULL when definitions are skipped.
SELECT v.TABLE_SCHEMA      AS table_schema,
       v.TABLE_NAME        AS view_name,
       {definition_expr}   AS view_definition,
       v.CHECK_OPTION      AS check_option,
       v.IS_UPDATABLE      AS is_updatable,
       v.SECURITY_TYPE     AS security_type
FROM information_schema.VIEWS v
WHERE v.TABLE_SCHEMA IN ({schemas})
ORDER BY v.TABLE_SCHEMA, v.TABLE_NAME
