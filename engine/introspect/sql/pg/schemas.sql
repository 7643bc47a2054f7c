-- Every non-system schema of the connected database with its owner.
SELECT n.nspname AS name,
       pg_get_userbyid(n.nspowner) AS owner
FROM pg_namespace n
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  -- Ferry's own bookkeeping (positions, chunk marks) on a side a stream writes to.
  AND n.nspname NOT IN ('ferry_state', 'ferry_heartbeat')
  AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')
ORDER BY n.nspname
