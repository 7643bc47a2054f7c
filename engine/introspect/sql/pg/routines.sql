-- Functions, procedures, aggregates and window functions of the schemas in $1
-- (extension members and range-type constructors, which depend on their type, left out); full source only when $2.
SELECT n.nspname AS schema,
       p.proname AS name,
       p.prokind::text AS kind,
       pg_get_function_arguments(p.oid) AS arguments,
       CASE WHEN p.prokind <> 'p' THEN pg_get_function_result(p.oid) END AS return_type,
       l.lanname AS language,
       CASE WHEN $2::bool AND p.prokind IN ('f', 'p', 'w') THEN pg_get_functiondef(p.oid) END AS definition,
       p.provolatile = 'i' AS deterministic
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE n.nspname = ANY ($1::text[])
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype IN ('e', 'i'))
ORDER BY 1, 2, 4
