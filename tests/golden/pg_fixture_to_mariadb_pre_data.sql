-- Ferry pre-data script for MariaDB
-- Run before the data copy: databases and tables with their primary keys
-- (InnoDB clusters rows by the primary key, so it is created with the table).
-- Schemas: shop → shop (same name), Mixed Case → Mixed Case (same name).
SET NAMES utf8mb4;
SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES');

CREATE DATABASE IF NOT EXISTS `shop` CHARACTER SET utf8mb4;
CREATE DATABASE IF NOT EXISTS `Mixed Case` CHARACTER SET utf8mb4;
CREATE SEQUENCE `shop`.`invoice_no` START WITH 1000 INCREMENT BY 5 MINVALUE 1000 MAXVALUE 999999 CACHE 10 NOCYCLE;

-- Mixed Case.Order Lines
CREATE TABLE `Mixed Case`.`Order Lines` (
  `LineId` INT NOT NULL,
  `Qty` INT NOT NULL,
  `select` LONGTEXT COLLATE utf8mb4_nopad_bin NULL,
  `has"quote` LONGTEXT COLLATE utf8mb4_nopad_bin NULL,
  CONSTRAINT `Order Lines_pkey` PRIMARY KEY (`LineId`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- shop.all_types
CREATE TABLE `shop`.`all_types` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `c_smallint` SMALLINT NULL,
  `c_integer` INT NOT NULL DEFAULT 42,
  `c_bigint` BIGINT NULL,
  `c_numeric` DECIMAL(12,4) NULL,
  `c_numeric_free` DECIMAL(65,30) NULL,
  `c_real` FLOAT NULL,
  `c_double` DOUBLE NULL,
  `c_smallserial` SMALLINT NOT NULL,
  `c_serial` INT NOT NULL,
  `c_money` DECIMAL(19,2) NULL,
  `c_char` CHAR(10) COLLATE utf8mb4_nopad_bin NULL,
  `c_varchar` VARCHAR(255) COLLATE utf8mb4_nopad_bin NULL,
  `c_varchar_free` LONGTEXT COLLATE utf8mb4_nopad_bin NULL,
  `c_text` LONGTEXT COLLATE utf8mb4_nopad_bin NULL DEFAULT 'it''s' COMMENT 'free text',
  `c_bytea` LONGBLOB NULL,
  `c_bool` TINYINT(1) NULL DEFAULT 1,
  `c_date` DATE NULL DEFAULT curdate(),
  `c_time` TIME(3) NULL,
  `c_timetz` VARCHAR(32) COLLATE utf8mb4_nopad_bin NULL,
  `c_timestamp` DATETIME(6) NULL,
  `c_timestamptz` DATETIME(3) NULL DEFAULT CURRENT_TIMESTAMP(3),
  `c_interval` VARCHAR(100) COLLATE utf8mb4_nopad_bin NULL,
  `c_interval_ds` VARCHAR(100) COLLATE utf8mb4_nopad_bin NULL,
  `c_uuid` UUID NULL,
  `c_json` JSON NULL,
  `c_jsonb` JSON NULL,
  `c_xml` LONGTEXT COLLATE utf8mb4_nopad_bin NULL,
  `c_inet` VARCHAR(43) CHARACTER SET ascii COLLATE ascii_bin NULL,
  `c_cidr` VARCHAR(43) CHARACTER SET ascii COLLATE ascii_bin NULL,
  `c_macaddr` VARCHAR(17) CHARACTER SET ascii COLLATE ascii_bin NULL,
  `c_macaddr8` VARCHAR(23) CHARACTER SET ascii COLLATE ascii_bin NULL,
  `c_bit` BIT(8) NULL,
  `c_varbit` BIT(16) NULL,
  `c_point` LONGTEXT COLLATE utf8mb4_nopad_bin NULL,
  `c_line` LONGTEXT COLLATE utf8mb4_nopad_bin NULL,
  `c_lseg` LONGTEXT COLLATE utf8mb4_nopad_bin NULL,
  `c_box` LONGTEXT COLLATE utf8mb4_nopad_bin NULL,
  `c_path` LONGTEXT COLLATE utf8mb4_nopad_bin NULL,
  `c_polygon` LONGTEXT COLLATE utf8mb4_nopad_bin NULL,
  `c_circle` LONGTEXT COLLATE utf8mb4_nopad_bin NULL,
  `c_tsvector` LONGTEXT COLLATE utf8mb4_nopad_bin NULL,
  `c_tsquery` LONGTEXT COLLATE utf8mb4_nopad_bin NULL,
  `c_int_array` JSON NULL,
  `c_text_matrix` JSON NULL,
  `c_int4range` LONGTEXT COLLATE utf8mb4_nopad_bin NULL,
  `c_tstzrange` LONGTEXT COLLATE utf8mb4_nopad_bin NULL,
  `c_pg_lsn` VARCHAR(255) COLLATE utf8mb4_nopad_bin NULL,
  `c_oid` INT UNSIGNED NULL,
  `c_mood` ENUM('sad','ok','happy','it''s complicated') COLLATE utf8mb4_nopad_bin NULL DEFAULT 'ok',
  `c_mood_array` JSON NULL,
  `c_positive` INT NOT NULL,
  `c_email` VARCHAR(320) COLLATE utf8mb4_nopad_bin NULL,
  `c_pair` LONGTEXT COLLATE utf8mb4_nopad_bin NULL,
  `c_frange` LONGTEXT COLLATE utf8mb4_nopad_bin NULL,
  `c_generated` DECIMAL(65,30) NULL,
  CONSTRAINT `all_types_pkey` PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='one column per type';

-- shop.customers
CREATE TABLE `shop`.`customers` (
  `customer_id` INT NOT NULL AUTO_INCREMENT,
  `email` VARCHAR(320) COLLATE utf8mb4_nopad_bin NOT NULL,
  `name` LONGTEXT COLLATE utf8mb4_nopad_bin NOT NULL,
  `created_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  CONSTRAINT `customers_pkey` PRIMARY KEY (`customer_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- shop.orders
CREATE TABLE `shop`.`orders` (
  `order_id` BIGINT NOT NULL AUTO_INCREMENT,
  `ordered_at` DATETIME(6) NOT NULL,
  `customer_id` INT NOT NULL,
  `total` DECIMAL(12,2) NOT NULL,
  CONSTRAINT `orders_pkey` PRIMARY KEY (`order_id`, `ordered_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- shop.sessions
CREATE TABLE `shop`.`sessions` (
  `token` LONGTEXT COLLATE utf8mb4_nopad_bin NULL,
  `customer_id` INT NULL,
  `data` JSON NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
