-- Ferry post-data script for MariaDB
-- Run after the data copy: unique keys and indexes (one ALTER per table, so each
-- table is rebuilt once), checks, foreign keys, AUTO_INCREMENT values.
SET NAMES utf8mb4;
SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES');

-- shop.all_types
ALTER TABLE `shop`.`all_types`
  ADD CONSTRAINT `all_types_c_positive_check` CHECK (((`c_positive` > 0))),
  ADD CONSTRAINT `all_types_c_email_check` CHECK ((((`c_email`) LIKE '%@%')));

-- shop.customers
ALTER TABLE `shop`.`customers`
  ADD CONSTRAINT `customers_email_key` UNIQUE (`email`),
  ADD CONSTRAINT `customers_email_check` CHECK ((((`email`) LIKE '%@%')));
-- needs manual conversion: check customers_name_check on shop.customers: the check uses functions or operators of the source engine
-- (length(name) > 0)

-- shop.orders
ALTER TABLE `shop`.`orders`
  ADD INDEX `orders_customer_idx` (`customer_id`),
  ADD CONSTRAINT `orders_total_check` CHECK ((total >= (0)));

-- shop.sessions
-- needs manual conversion: index sessions_data_gin on shop.sessions: Index sessions.sessions_data_gin uses the gin method, which InnoDB does not have.
-- CREATE INDEX sessions_data_gin ON shop.sessions USING gin (data jsonb_path_ops)
-- needs manual conversion: index sessions_token_lower on shop.sessions: Index sessions.sessions_token_lower is partial (WHERE token IS NOT NULL); MySQL and MariaDB have no partial indexes.
-- CREATE INDEX sessions_token_lower ON shop.sessions USING btree (lower(token) DESC) WHERE (token IS NOT NULL)
-- needs manual conversion: index sessions_token_uq on shop.sessions: a key column is TEXT/BLOB on the target, which MySQL indexes only with a prefix length
-- CREATE UNIQUE INDEX sessions_token_uq ON shop.sessions USING btree (token) INCLUDE (customer_id)

-- Foreign keys, referenced tables first.
ALTER TABLE `shop`.`orders` ADD CONSTRAINT `orders_customer_fk` FOREIGN KEY (`customer_id`) REFERENCES `shop`.`customers` (`customer_id`) ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE `shop`.`sessions` ADD CONSTRAINT `sessions_customer_id_fkey` FOREIGN KEY (`customer_id`) REFERENCES `shop`.`customers` (`customer_id`) ON DELETE SET NULL;

-- AUTO_INCREMENT and sequences continue after the copied values.
ALTER TABLE `shop`.`customers` AUTO_INCREMENT = 51;
ALTER SEQUENCE `shop`.`invoice_no` RESTART WITH 1050;

-- needs manual conversion: view shop.big_orders — written in PostgreSQL's dialect
-- CREATE VIEW big_orders AS
--  SELECT orders.order_id,
--     orders.total
--    FROM shop.orders
--   WHERE orders.total > 100::numeric;

-- needs manual conversion: materialized view shop.order_totals — written in PostgreSQL's dialect
-- CREATE VIEW order_totals AS
--  SELECT orders.customer_id,
--     sum(orders.total) AS total
--    FROM shop.orders
--   GROUP BY orders.customer_id;

-- needs manual conversion: trigger shop.customers_touch — written in PostgreSQL's dialect
-- CREATE TRIGGER customers_touch BEFORE INSERT OR UPDATE ON shop.customers FOR EACH ROW EXECUTE FUNCTION shop.touch()

-- needs manual conversion: function shop.add — written in PostgreSQL's dialect
-- CREATE OR REPLACE FUNCTION shop.add(a integer, b integer DEFAULT 1)
--  RETURNS integer
--  LANGUAGE sql
--  IMMUTABLE
-- AS $function$SELECT a + b$function$
-- 

-- needs manual conversion: procedure shop.archive — written in PostgreSQL's dialect
-- CREATE OR REPLACE PROCEDURE shop.archive(IN before date)
--  LANGUAGE sql
-- AS $procedure$ DELETE FROM shop.orders WHERE ordered_at < before $procedure$
-- 

-- needs manual conversion: function shop.touch — written in PostgreSQL's dialect
-- CREATE OR REPLACE FUNCTION shop.touch()
--  RETURNS trigger
--  LANGUAGE plpgsql
-- AS $function$
-- BEGIN
--   NEW.created_at := now();
--   RETURN NEW;
-- END $function$
-- 
