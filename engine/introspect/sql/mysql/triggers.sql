-- Returns the triggers on tables of the selected schemas; {definition_expr} is ACTION_STATEMENT, or NULL when definitions are skipped.
SELECT t.EVENT_OBJECT_SCHEMA AS table_schema,
       t.EVENT_OBJECT_TABLE  AS table_name,
       t.TRIGGER_NAME        AS trigger_name,
       t.EVENT_MANIPULATION  AS event_manipulation,
       t.ACTION_TIMING       AS action_timing,
       t.ACTION_ORIENTATION  AS action_orientation,
       t.ACTION_ORDER        AS action_order,
       {definition_expr}     AS action_statement
FROM information_schema.TRIGGERS t
WHERE t.EVENT_OBJECT_SCHEMA IN ({schemas})
ORDER BY t.EVENT_OBJECT_SCHEMA, t.EVENT_OBJECT_TABLE, t.ACTION_TIMING, t.EVENT_MANIPULATION, t.ACTION_ORDER
