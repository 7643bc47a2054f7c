-- Returns the partitions of the partitioned tables of the selected schemas, in partition order.
SELECT p.TABLE_SCHEMA               AS table_schema,
       p.TABLE_NAME                 AS table_name,
       p.PARTITION_NAME             AS partition_name,
       p.PARTITION_ORDINAL_POSITION AS partition_ordinal,
       p.PARTITION_METHOD           AS partition_method,
       p.PARTITION_EXPRESSION       AS partition_expression,
       p.PARTITION_DESCRIPTION      AS partition_description,
       p.SUBPARTITION_NAME          AS subpartition_name,
       p.SUBPARTITION_METHOD        AS subpartition_method,
       p.SUBPARTITION_EXPRESSION    AS subpartition_expression
FROM information_schema.PARTITIONS p
WHERE p.TABLE_SCHEMA IN ({schemas})
  AND p.PARTITION_NAME IS NOT NULL
ORDER BY p.TABLE_SCHEMA, p.TABLE_NAME, p.PARTITION_ORDINAL_POSITION, p.SUBPARTITION_ORDINAL_POSITION
