-- Returns the parameters of the stored functions and procedures of the selected schemas, in order (not the function result).
SELECT p.SPECIFIC_SCHEMA  AS routine_schema,
       p.SPECIFIC_NAME    AS routine_name,
       p.ROUTINE_TYPE     AS routine_type,
       p.ORDINAL_POSITION AS ordinal,
       p.PARAMETER_MODE   AS parameter_mode,
       p.PARAMETER_NAME   AS parameter_name,
       p.DTD_IDENTIFIER   AS data_type
FROM information_schema.PARAMETERS p
WHERE p.SPECIFIC_SCHEMA IN ({schemas})
  AND p.ORDINAL_POSITION > 0
ORDER BY p.SPECIFIC_SCHEMA, p.ROUTINE_TYPE, p.SPECIFIC_NAME, p.ORDINAL_POSITION
