-- Returns the stored functions and procedures of the selected schemas; {definition_expr} is ROUTINE_DEFINITION, or NULL when definitions are skipped.
SELECT r.ROUTINE_SCHEMA   AS routine_schema,
       r.ROUTINE_NAME     AS routine_name,
       r.ROUTINE_TYPE     AS routine_type,
       r.DTD_IDENTIFIER   AS return_type,
       r.ROUTINE_BODY     AS routine_body,
       {definition_expr}  AS routine_definition,
       r.IS_DETERMINISTIC AS is_deterministic,
       r.SQL_DATA_ACCESS  AS sql_data_access,
       r.SECURITY_TYPE    AS security_type,
       r.ROUTINE_COMMENT  AS routine_comment
FROM information_schema.ROUTINES r
WHERE r.ROUTINE_SCHEMA IN ({schemas})
  AND r.ROUTINE_TYPE IN ('FUNCTION', 'PROCEDURE')
ORDER BY r.ROUTINE_SCHEMA, r.ROUTINE_TYPE, r.ROUTINE_NAME
