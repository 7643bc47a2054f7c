-- Ferry post-data script for PostgreSQL
-- Run after the data copy: keys, indexes, checks, foreign keys, sequence values.

-- Mixed Case.Order Lines
CREATE UNIQUE INDEX "Order Lines_pkey" ON "Mixed Case"."Order Lines" ("LineId");
ALTER TABLE ONLY "Mixed Case"."Order Lines" ADD CONSTRAINT "Order Lines_pkey" PRIMARY KEY USING INDEX "Order Lines_pkey";

-- shop.all_types
CREATE UNIQUE INDEX "all_types_pkey" ON "shop"."all_types" ("id");
ALTER TABLE ONLY "shop"."all_types" ADD CONSTRAINT "all_types_pkey" PRIMARY KEY USING INDEX "all_types_pkey";

-- shop.customers
CREATE UNIQUE INDEX "customers_pkey" ON "shop"."customers" ("customer_id");
CREATE UNIQUE INDEX "customers_email_key" ON "shop"."customers" ("email");
ALTER TABLE ONLY "shop"."customers" ADD CONSTRAINT "customers_pkey" PRIMARY KEY USING INDEX "customers_pkey";
ALTER TABLE ONLY "shop"."customers" ADD CONSTRAINT "customers_email_key" UNIQUE USING INDEX "customers_email_key";
ALTER TABLE "shop"."customers" ADD CONSTRAINT "customers_name_check" CHECK ((length(name) > 0));

-- shop.orders
ALTER TABLE "shop"."orders" ADD CONSTRAINT "orders_pkey" PRIMARY KEY ("order_id", "ordered_at");
CREATE INDEX "orders_customer_idx" ON "shop"."orders" ("customer_id");
ALTER TABLE "shop"."orders" ADD CONSTRAINT "orders_total_check" CHECK ((total >= (0)::numeric));

-- shop.sessions
CREATE INDEX "sessions_data_gin" ON "shop"."sessions" USING gin ("data" jsonb_path_ops);
CREATE INDEX "sessions_token_lower" ON "shop"."sessions" ((lower(token)) DESC) WHERE token IS NOT NULL;
CREATE UNIQUE INDEX "sessions_token_uq" ON "shop"."sessions" ("token") INCLUDE ("customer_id");

-- Foreign keys, referenced tables first.
ALTER TABLE "shop"."orders" ADD CONSTRAINT "orders_customer_fk" FOREIGN KEY ("customer_id") REFERENCES "shop"."customers" ("customer_id") ON DELETE CASCADE ON UPDATE RESTRICT DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE "shop"."sessions" ADD CONSTRAINT "sessions_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "shop"."customers" ("customer_id") ON DELETE SET NULL NOT VALID;
ALTER TABLE "shop"."sessions" VALIDATE CONSTRAINT "sessions_customer_id_fkey";

-- Sequences and identities continue after the copied values.
SELECT setval(pg_get_serial_sequence('"shop"."all_types"', 'id'), GREATEST(v, 1), v >= 1) FROM (SELECT LEAST(GREATEST(1 - 1, max("id")), 9223372036854775807)::bigint AS v FROM "shop"."all_types") AS ferry_next;
SELECT setval(pg_get_serial_sequence('"shop"."customers"', 'customer_id'), GREATEST(v, 1), v >= 1) FROM (SELECT LEAST(GREATEST(51 - 1, max("customer_id")), 9223372036854775807)::bigint AS v FROM "shop"."customers") AS ferry_next;
ALTER SEQUENCE "shop"."all_types_c_serial_seq" OWNED BY "shop"."all_types"."c_serial";
SELECT setval('"shop"."all_types_c_serial_seq"', GREATEST(v, 1), v >= 1) FROM (SELECT LEAST(GREATEST(1 - 1, max("c_serial")), 9223372036854775807)::bigint AS v FROM "shop"."all_types") AS ferry_next;
ALTER SEQUENCE "shop"."all_types_c_smallserial_seq" OWNED BY "shop"."all_types"."c_smallserial";
SELECT setval('"shop"."all_types_c_smallserial_seq"', GREATEST(v, 1), v >= 1) FROM (SELECT LEAST(GREATEST(1 - 1, max("c_smallserial")), 9223372036854775807)::bigint AS v FROM "shop"."all_types") AS ferry_next;
SELECT setval('"shop"."invoice_no"', 1050, false);
ALTER SEQUENCE "shop"."orders_order_id_seq" OWNED BY "shop"."orders"."order_id";
SELECT setval('"shop"."orders_order_id_seq"', GREATEST(v, 1), v >= 1) FROM (SELECT LEAST(GREATEST(1 - 1, max("order_id")), 9223372036854775807)::bigint AS v FROM "shop"."orders") AS ferry_next;

-- needs manual conversion: view shop.big_orders — source text kept for review; schema names in it may differ on the target
-- CREATE VIEW big_orders AS
--  SELECT orders.order_id,
--     orders.total
--    FROM shop.orders
--   WHERE orders.total > 100::numeric;

-- needs manual conversion: materialized view shop.order_totals — source text kept for review; schema names in it may differ on the target
-- CREATE VIEW order_totals AS
--  SELECT orders.customer_id,
--     sum(orders.total) AS total
--    FROM shop.orders
--   GROUP BY orders.customer_id;

-- needs manual conversion: trigger shop.customers_touch — source text kept for review; schema names in it may differ on the target
-- CREATE TRIGGER customers_touch BEFORE INSERT OR UPDATE ON shop.customers FOR EACH ROW EXECUTE FUNCTION shop.touch()

-- needs manual conversion: function shop.add — source text kept for review; schema names in it may differ on the target
-- CREATE OR REPLACE FUNCTION shop.add(a integer, b integer DEFAULT 1)
--  RETURNS integer
--  LANGUAGE sql
--  IMMUTABLE
-- AS $function$SELECT a + b$function$
-- 

-- needs manual conversion: procedure shop.archive — source text kept for review; schema names in it may differ on the target
-- CREATE OR REPLACE PROCEDURE shop.archive(IN before date)
--  LANGUAGE sql
-- AS $procedure$ DELETE FROM shop.orders WHERE ordered_at < before $procedure$
-- 

-- needs manual conversion: function shop.touch — source text kept for review; schema names in it may differ on the target
-- CREATE OR REPLACE FUNCTION shop.touch()
--  RETURNS trigger
--  LANGUAGE plpgsql
-- AS $function$
-- BEGIN
--   NEW.created_at := now();
--   RETURN NEW;
-- END $function$
-- 
