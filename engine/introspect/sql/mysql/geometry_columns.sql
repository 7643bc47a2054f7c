-- The declared SRID of every spatial column of the selected schemas. MariaDB keeps
-- it (REF_SYSTEM_ID) in information_schema.GEOMETRY_COLUMNS, which SHOW CREATE
-- TABLE does not print; MySQL 8 in COLUMNS.SRS_ID ({srid_query} picks one).
{srid_query}
