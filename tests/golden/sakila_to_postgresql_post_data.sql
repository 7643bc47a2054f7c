-- Ferry post-data script for PostgreSQL
-- Run after the data copy: keys, indexes, checks, foreign keys, sequence values.

-- sakila.actor
CREATE UNIQUE INDEX "actor_pkey" ON "sakila"."actor" ("actor_id");
CREATE INDEX "idx_actor_last_name" ON "sakila"."actor" ("last_name");
ALTER TABLE ONLY "sakila"."actor" ADD CONSTRAINT "actor_pkey" PRIMARY KEY USING INDEX "actor_pkey";

-- sakila.category
CREATE UNIQUE INDEX "category_pkey" ON "sakila"."category" ("category_id");
ALTER TABLE ONLY "sakila"."category" ADD CONSTRAINT "category_pkey" PRIMARY KEY USING INDEX "category_pkey";

-- sakila.country
CREATE UNIQUE INDEX "country_pkey" ON "sakila"."country" ("country_id");
ALTER TABLE ONLY "sakila"."country" ADD CONSTRAINT "country_pkey" PRIMARY KEY USING INDEX "country_pkey";

-- sakila.city
CREATE UNIQUE INDEX "city_pkey" ON "sakila"."city" ("city_id");
CREATE INDEX "idx_fk_country_id" ON "sakila"."city" ("country_id");
ALTER TABLE ONLY "sakila"."city" ADD CONSTRAINT "city_pkey" PRIMARY KEY USING INDEX "city_pkey";

-- sakila.address
CREATE UNIQUE INDEX "address_pkey" ON "sakila"."address" ("address_id");
CREATE INDEX "idx_fk_city_id" ON "sakila"."address" ("city_id");
ALTER TABLE ONLY "sakila"."address" ADD CONSTRAINT "address_pkey" PRIMARY KEY USING INDEX "address_pkey";

-- sakila.film_text
CREATE UNIQUE INDEX "film_text_pkey" ON "sakila"."film_text" ("film_id");
-- needs manual conversion: index idx_title_description on sakila.film_text: Index film_text.idx_title_description is a FULLTEXT index; PostgreSQL full-text search uses tsvector and GIN instead.
-- fulltext index idx_title_description (title, description)
ALTER TABLE ONLY "sakila"."film_text" ADD CONSTRAINT "film_text_pkey" PRIMARY KEY USING INDEX "film_text_pkey";

-- sakila.language
CREATE UNIQUE INDEX "language_pkey" ON "sakila"."language" ("language_id");
ALTER TABLE ONLY "sakila"."language" ADD CONSTRAINT "language_pkey" PRIMARY KEY USING INDEX "language_pkey";

-- sakila.film
CREATE UNIQUE INDEX "film_pkey" ON "sakila"."film" ("film_id");
CREATE INDEX "idx_fk_language_id" ON "sakila"."film" ("language_id");
CREATE INDEX "idx_fk_original_language_id" ON "sakila"."film" ("original_language_id");
CREATE INDEX "idx_title" ON "sakila"."film" ("title");
ALTER TABLE ONLY "sakila"."film" ADD CONSTRAINT "film_pkey" PRIMARY KEY USING INDEX "film_pkey";
ALTER TABLE "sakila"."film" ADD CONSTRAINT "film_special_features_check" CHECK ("special_features" <@ ARRAY['Trailers','Commentaries','Deleted Scenes','Behind the Scenes']::text[]);

-- sakila.film_actor
CREATE UNIQUE INDEX "film_actor_pkey" ON "sakila"."film_actor" ("actor_id", "film_id");
CREATE INDEX "idx_fk_film_id" ON "sakila"."film_actor" ("film_id");
ALTER TABLE ONLY "sakila"."film_actor" ADD CONSTRAINT "film_actor_pkey" PRIMARY KEY USING INDEX "film_actor_pkey";

-- sakila.film_category
CREATE UNIQUE INDEX "film_category_pkey" ON "sakila"."film_category" ("film_id", "category_id");
CREATE INDEX "fk_film_category_category" ON "sakila"."film_category" ("category_id");
ALTER TABLE ONLY "sakila"."film_category" ADD CONSTRAINT "film_category_pkey" PRIMARY KEY USING INDEX "film_category_pkey";

-- sakila.customer
CREATE UNIQUE INDEX "customer_pkey" ON "sakila"."customer" ("customer_id");
CREATE INDEX "idx_fk_address_id" ON "sakila"."customer" ("address_id");
CREATE INDEX "idx_fk_store_id" ON "sakila"."customer" ("store_id");
CREATE INDEX "idx_last_name" ON "sakila"."customer" ("last_name");
ALTER TABLE ONLY "sakila"."customer" ADD CONSTRAINT "customer_pkey" PRIMARY KEY USING INDEX "customer_pkey";

-- sakila.inventory
CREATE UNIQUE INDEX "inventory_pkey" ON "sakila"."inventory" ("inventory_id");
CREATE INDEX "inventory_idx_fk_film_id" ON "sakila"."inventory" ("film_id");
CREATE INDEX "idx_store_id_film_id" ON "sakila"."inventory" ("store_id", "film_id");
ALTER TABLE ONLY "sakila"."inventory" ADD CONSTRAINT "inventory_pkey" PRIMARY KEY USING INDEX "inventory_pkey";

-- sakila.payment
CREATE UNIQUE INDEX "payment_pkey" ON "sakila"."payment" ("payment_id");
CREATE INDEX "fk_payment_rental" ON "sakila"."payment" ("rental_id");
CREATE INDEX "idx_fk_customer_id" ON "sakila"."payment" ("customer_id");
CREATE INDEX "idx_fk_staff_id" ON "sakila"."payment" ("staff_id");
ALTER TABLE ONLY "sakila"."payment" ADD CONSTRAINT "payment_pkey" PRIMARY KEY USING INDEX "payment_pkey";

-- sakila.rental
CREATE UNIQUE INDEX "rental_pkey" ON "sakila"."rental" ("rental_id");
CREATE UNIQUE INDEX "rental_date" ON "sakila"."rental" ("rental_date", "inventory_id", "customer_id");
CREATE INDEX "rental_idx_fk_customer_id" ON "sakila"."rental" ("customer_id");
CREATE INDEX "idx_fk_inventory_id" ON "sakila"."rental" ("inventory_id");
CREATE INDEX "rental_idx_fk_staff_id" ON "sakila"."rental" ("staff_id");
ALTER TABLE ONLY "sakila"."rental" ADD CONSTRAINT "rental_pkey" PRIMARY KEY USING INDEX "rental_pkey";
ALTER TABLE ONLY "sakila"."rental" ADD CONSTRAINT "rental_date" UNIQUE USING INDEX "rental_date";

-- sakila.staff
CREATE UNIQUE INDEX "staff_pkey" ON "sakila"."staff" ("staff_id");
CREATE INDEX "staff_idx_fk_address_id" ON "sakila"."staff" ("address_id");
CREATE INDEX "staff_idx_fk_store_id" ON "sakila"."staff" ("store_id");
ALTER TABLE ONLY "sakila"."staff" ADD CONSTRAINT "staff_pkey" PRIMARY KEY USING INDEX "staff_pkey";

-- sakila.store
CREATE UNIQUE INDEX "store_pkey" ON "sakila"."store" ("store_id");
CREATE UNIQUE INDEX "idx_unique_manager" ON "sakila"."store" ("manager_staff_id");
CREATE INDEX "store_idx_fk_address_id" ON "sakila"."store" ("address_id");
ALTER TABLE ONLY "sakila"."store" ADD CONSTRAINT "store_pkey" PRIMARY KEY USING INDEX "store_pkey";
ALTER TABLE ONLY "sakila"."store" ADD CONSTRAINT "idx_unique_manager" UNIQUE USING INDEX "idx_unique_manager";

-- Foreign keys, referenced tables first.
ALTER TABLE "sakila"."city" ADD CONSTRAINT "fk_city_country" FOREIGN KEY ("country_id") REFERENCES "sakila"."country" ("country_id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;
ALTER TABLE "sakila"."city" VALIDATE CONSTRAINT "fk_city_country";
ALTER TABLE "sakila"."address" ADD CONSTRAINT "fk_address_city" FOREIGN KEY ("city_id") REFERENCES "sakila"."city" ("city_id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;
ALTER TABLE "sakila"."address" VALIDATE CONSTRAINT "fk_address_city";
ALTER TABLE "sakila"."film" ADD CONSTRAINT "fk_film_language" FOREIGN KEY ("language_id") REFERENCES "sakila"."language" ("language_id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;
ALTER TABLE "sakila"."film" VALIDATE CONSTRAINT "fk_film_language";
ALTER TABLE "sakila"."film" ADD CONSTRAINT "fk_film_language_original" FOREIGN KEY ("original_language_id") REFERENCES "sakila"."language" ("language_id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;
ALTER TABLE "sakila"."film" VALIDATE CONSTRAINT "fk_film_language_original";
ALTER TABLE "sakila"."film_actor" ADD CONSTRAINT "fk_film_actor_actor" FOREIGN KEY ("actor_id") REFERENCES "sakila"."actor" ("actor_id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;
ALTER TABLE "sakila"."film_actor" VALIDATE CONSTRAINT "fk_film_actor_actor";
ALTER TABLE "sakila"."film_actor" ADD CONSTRAINT "fk_film_actor_film" FOREIGN KEY ("film_id") REFERENCES "sakila"."film" ("film_id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;
ALTER TABLE "sakila"."film_actor" VALIDATE CONSTRAINT "fk_film_actor_film";
ALTER TABLE "sakila"."film_category" ADD CONSTRAINT "fk_film_category_category" FOREIGN KEY ("category_id") REFERENCES "sakila"."category" ("category_id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;
ALTER TABLE "sakila"."film_category" VALIDATE CONSTRAINT "fk_film_category_category";
ALTER TABLE "sakila"."film_category" ADD CONSTRAINT "fk_film_category_film" FOREIGN KEY ("film_id") REFERENCES "sakila"."film" ("film_id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;
ALTER TABLE "sakila"."film_category" VALIDATE CONSTRAINT "fk_film_category_film";
ALTER TABLE "sakila"."customer" ADD CONSTRAINT "fk_customer_address" FOREIGN KEY ("address_id") REFERENCES "sakila"."address" ("address_id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;
ALTER TABLE "sakila"."customer" VALIDATE CONSTRAINT "fk_customer_address";
ALTER TABLE "sakila"."customer" ADD CONSTRAINT "fk_customer_store" FOREIGN KEY ("store_id") REFERENCES "sakila"."store" ("store_id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;
ALTER TABLE "sakila"."customer" VALIDATE CONSTRAINT "fk_customer_store";
ALTER TABLE "sakila"."inventory" ADD CONSTRAINT "fk_inventory_film" FOREIGN KEY ("film_id") REFERENCES "sakila"."film" ("film_id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;
ALTER TABLE "sakila"."inventory" VALIDATE CONSTRAINT "fk_inventory_film";
ALTER TABLE "sakila"."inventory" ADD CONSTRAINT "fk_inventory_store" FOREIGN KEY ("store_id") REFERENCES "sakila"."store" ("store_id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;
ALTER TABLE "sakila"."inventory" VALIDATE CONSTRAINT "fk_inventory_store";
ALTER TABLE "sakila"."payment" ADD CONSTRAINT "fk_payment_customer" FOREIGN KEY ("customer_id") REFERENCES "sakila"."customer" ("customer_id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;
ALTER TABLE "sakila"."payment" VALIDATE CONSTRAINT "fk_payment_customer";
ALTER TABLE "sakila"."payment" ADD CONSTRAINT "fk_payment_rental" FOREIGN KEY ("rental_id") REFERENCES "sakila"."rental" ("rental_id") ON DELETE SET NULL ON UPDATE CASCADE NOT VALID;
ALTER TABLE "sakila"."payment" VALIDATE CONSTRAINT "fk_payment_rental";
ALTER TABLE "sakila"."payment" ADD CONSTRAINT "fk_payment_staff" FOREIGN KEY ("staff_id") REFERENCES "sakila"."staff" ("staff_id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;
ALTER TABLE "sakila"."payment" VALIDATE CONSTRAINT "fk_payment_staff";
ALTER TABLE "sakila"."rental" ADD CONSTRAINT "fk_rental_customer" FOREIGN KEY ("customer_id") REFERENCES "sakila"."customer" ("customer_id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;
ALTER TABLE "sakila"."rental" VALIDATE CONSTRAINT "fk_rental_customer";
ALTER TABLE "sakila"."rental" ADD CONSTRAINT "fk_rental_inventory" FOREIGN KEY ("inventory_id") REFERENCES "sakila"."inventory" ("inventory_id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;
ALTER TABLE "sakila"."rental" VALIDATE CONSTRAINT "fk_rental_inventory";
ALTER TABLE "sakila"."rental" ADD CONSTRAINT "fk_rental_staff" FOREIGN KEY ("staff_id") REFERENCES "sakila"."staff" ("staff_id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;
ALTER TABLE "sakila"."rental" VALIDATE CONSTRAINT "fk_rental_staff";
ALTER TABLE "sakila"."staff" ADD CONSTRAINT "fk_staff_address" FOREIGN KEY ("address_id") REFERENCES "sakila"."address" ("address_id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;
ALTER TABLE "sakila"."staff" VALIDATE CONSTRAINT "fk_staff_address";
ALTER TABLE "sakila"."staff" ADD CONSTRAINT "fk_staff_store" FOREIGN KEY ("store_id") REFERENCES "sakila"."store" ("store_id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;
ALTER TABLE "sakila"."staff" VALIDATE CONSTRAINT "fk_staff_store";
ALTER TABLE "sakila"."store" ADD CONSTRAINT "fk_store_address" FOREIGN KEY ("address_id") REFERENCES "sakila"."address" ("address_id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;
ALTER TABLE "sakila"."store" VALIDATE CONSTRAINT "fk_store_address";
ALTER TABLE "sakila"."store" ADD CONSTRAINT "fk_store_staff" FOREIGN KEY ("manager_staff_id") REFERENCES "sakila"."staff" ("staff_id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;
ALTER TABLE "sakila"."store" VALIDATE CONSTRAINT "fk_store_staff";

-- Sequences and identities continue after the copied values.
SELECT setval(pg_get_serial_sequence('"sakila"."actor"', 'actor_id'), GREATEST(v, 1), v >= 1) FROM (SELECT LEAST(GREATEST(201 - 1, max("actor_id")), 9223372036854775807)::bigint AS v FROM "sakila"."actor") AS ferry_next;
SELECT setval(pg_get_serial_sequence('"sakila"."address"', 'address_id'), GREATEST(v, 1), v >= 1) FROM (SELECT LEAST(GREATEST(606 - 1, max("address_id")), 9223372036854775807)::bigint AS v FROM "sakila"."address") AS ferry_next;
SELECT setval(pg_get_serial_sequence('"sakila"."category"', 'category_id'), GREATEST(v, 1), v >= 1) FROM (SELECT LEAST(GREATEST(17 - 1, max("category_id")), 9223372036854775807)::bigint AS v FROM "sakila"."category") AS ferry_next;
SELECT setval(pg_get_serial_sequence('"sakila"."city"', 'city_id'), GREATEST(v, 1), v >= 1) FROM (SELECT LEAST(GREATEST(601 - 1, max("city_id")), 9223372036854775807)::bigint AS v FROM "sakila"."city") AS ferry_next;
SELECT setval(pg_get_serial_sequence('"sakila"."country"', 'country_id'), GREATEST(v, 1), v >= 1) FROM (SELECT LEAST(GREATEST(110 - 1, max("country_id")), 9223372036854775807)::bigint AS v FROM "sakila"."country") AS ferry_next;
SELECT setval(pg_get_serial_sequence('"sakila"."customer"', 'customer_id'), GREATEST(v, 1), v >= 1) FROM (SELECT LEAST(GREATEST(600 - 1, max("customer_id")), 9223372036854775807)::bigint AS v FROM "sakila"."customer") AS ferry_next;
SELECT setval(pg_get_serial_sequence('"sakila"."film"', 'film_id'), GREATEST(v, 1), v >= 1) FROM (SELECT LEAST(GREATEST(1001 - 1, max("film_id")), 9223372036854775807)::bigint AS v FROM "sakila"."film") AS ferry_next;
SELECT setval(pg_get_serial_sequence('"sakila"."inventory"', 'inventory_id'), GREATEST(v, 1), v >= 1) FROM (SELECT LEAST(GREATEST(4582 - 1, max("inventory_id")), 9223372036854775807)::bigint AS v FROM "sakila"."inventory") AS ferry_next;
SELECT setval(pg_get_serial_sequence('"sakila"."language"', 'language_id'), GREATEST(v, 1), v >= 1) FROM (SELECT LEAST(GREATEST(7 - 1, max("language_id")), 9223372036854775807)::bigint AS v FROM "sakila"."language") AS ferry_next;
SELECT setval(pg_get_serial_sequence('"sakila"."payment"', 'payment_id'), GREATEST(v, 1), v >= 1) FROM (SELECT LEAST(GREATEST(16050 - 1, max("payment_id")), 9223372036854775807)::bigint AS v FROM "sakila"."payment") AS ferry_next;
SELECT setval(pg_get_serial_sequence('"sakila"."rental"', 'rental_id'), GREATEST(v, 1), v >= 1) FROM (SELECT LEAST(GREATEST(16050 - 1, max("rental_id")), 9223372036854775807)::bigint AS v FROM "sakila"."rental") AS ferry_next;
SELECT setval(pg_get_serial_sequence('"sakila"."staff"', 'staff_id'), GREATEST(v, 1), v >= 1) FROM (SELECT LEAST(GREATEST(3 - 1, max("staff_id")), 9223372036854775807)::bigint AS v FROM "sakila"."staff") AS ferry_next;
SELECT setval(pg_get_serial_sequence('"sakila"."store"', 'store_id'), GREATEST(v, 1), v >= 1) FROM (SELECT LEAST(GREATEST(3 - 1, max("store_id")), 9223372036854775807)::bigint AS v FROM "sakila"."store") AS ferry_next;

-- needs manual conversion: view sakila.actor_info — written in MariaDB's dialect
-- CREATE VIEW actor_info AS
-- select `a`.`actor_id` AS `actor_id`,`a`.`first_name` AS `first_name`,`a`.`last_name` AS `last_name`,group_concat(distinct concat(`c`.`name`,': ',(select group_concat(`f`.`title` order by `f`.`title` ASC separator ', ') from ((`sakila`.`film` `f` join `sakila`.`film_category` `fc` on(`f`.`film_id` = `fc`.`film_id`)) join `sakila`.`film_actor` `fa` on(`f`.`film_id` = `fa`.`film_id`)) where `fc`.`category_id` = `c`.`category_id` and `fa`.`actor_id` = `a`.`actor_id`)) order by `c`.`name` ASC separator '; ') AS `film_info` from (((`sakila`.`actor` `a` left join `sakila`.`film_actor` `fa` on(`a`.`actor_id` = `fa`.`actor_id`)) left join `sakila`.`film_category` `fc` on(`fa`.`film_id` = `fc`.`film_id`)) left join `sakila`.`category` `c` on(`fc`.`category_id` = `c`.`category_id`)) group by `a`.`actor_id`,`a`.`first_name`,`a`.`last_name`

-- needs manual conversion: view sakila.customer_list — written in MariaDB's dialect
-- CREATE VIEW customer_list AS
-- select `cu`.`customer_id` AS `ID`,concat(`cu`.`first_name`,' ',`cu`.`last_name`) AS `name`,`a`.`address` AS `address`,`a`.`postal_code` AS `zip code`,`a`.`phone` AS `phone`,`sakila`.`city`.`city` AS `city`,`sakila`.`country`.`country` AS `country`,if(`cu`.`active`,'active','') AS `notes`,`cu`.`store_id` AS `SID` from (((`sakila`.`customer` `cu` join `sakila`.`address` `a` on(`cu`.`address_id` = `a`.`address_id`)) join `sakila`.`city` on(`a`.`city_id` = `sakila`.`city`.`city_id`)) join `sakila`.`country` on(`sakila`.`city`.`country_id` = `sakila`.`country`.`country_id`))

-- needs manual conversion: view sakila.film_list — written in MariaDB's dialect
-- CREATE VIEW film_list AS
-- select `sakila`.`film`.`film_id` AS `FID`,`sakila`.`film`.`title` AS `title`,`sakila`.`film`.`description` AS `description`,`sakila`.`category`.`name` AS `category`,`sakila`.`film`.`rental_rate` AS `price`,`sakila`.`film`.`length` AS `length`,`sakila`.`film`.`rating` AS `rating`,group_concat(concat(`sakila`.`actor`.`first_name`,' ',`sakila`.`actor`.`last_name`) separator ', ') AS `actors` from ((((`sakila`.`category` left join `sakila`.`film_category` on(`sakila`.`category`.`category_id` = `sakila`.`film_category`.`category_id`)) left join `sakila`.`film` on(`sakila`.`film_category`.`film_id` = `sakila`.`film`.`film_id`)) join `sakila`.`film_actor` on(`sakila`.`film`.`film_id` = `sakila`.`film_actor`.`film_id`)) join `sakila`.`actor` on(`sakila`.`film_actor`.`actor_id` = `sakila`.`actor`.`actor_id`)) group by `sakila`.`film`.`film_id`,`sakila`.`category`.`name`

-- needs manual conversion: view sakila.nicer_but_slower_film_list — written in MariaDB's dialect
-- CREATE VIEW nicer_but_slower_film_list AS
-- select `sakila`.`film`.`film_id` AS `FID`,`sakila`.`film`.`title` AS `title`,`sakila`.`film`.`description` AS `description`,`sakila`.`category`.`name` AS `category`,`sakila`.`film`.`rental_rate` AS `price`,`sakila`.`film`.`length` AS `length`,`sakila`.`film`.`rating` AS `rating`,group_concat(concat(concat(ucase(substr(`sakila`.`actor`.`first_name`,1,1)),lcase(substr(`sakila`.`actor`.`first_name`,2,octet_length(`sakila`.`actor`.`first_name`))),' ',concat(ucase(substr(`sakila`.`actor`.`last_name`,1,1)),lcase(substr(`sakila`.`actor`.`last_name`,2,octet_length(`sakila`.`actor`.`last_name`)))))) separator ', ') AS `actors` from ((((`sakila`.`category` left join `sakila`.`film_category` on(`sakila`.`category`.`category_id` = `sakila`.`film_category`.`category_id`)) left join `sakila`.`film` on(`sakila`.`film_category`.`film_id` = `sakila`.`film`.`film_id`)) join `sakila`.`film_actor` on(`sakila`.`film`.`film_id` = `sakila`.`film_actor`.`film_id`)) join `sakila`.`actor` on(`sakila`.`film_actor`.`actor_id` = `sakila`.`actor`.`actor_id`)) group by `sakila`.`film`.`film_id`,`sakila`.`category`.`name`

-- needs manual conversion: view sakila.sales_by_film_category — written in MariaDB's dialect
-- CREATE VIEW sales_by_film_category AS
-- select `c`.`name` AS `category`,sum(`p`.`amount`) AS `total_sales` from (((((`sakila`.`payment` `p` join `sakila`.`rental` `r` on(`p`.`rental_id` = `r`.`rental_id`)) join `sakila`.`inventory` `i` on(`r`.`inventory_id` = `i`.`inventory_id`)) join `sakila`.`film` `f` on(`i`.`film_id` = `f`.`film_id`)) join `sakila`.`film_category` `fc` on(`f`.`film_id` = `fc`.`film_id`)) join `sakila`.`category` `c` on(`fc`.`category_id` = `c`.`category_id`)) group by `c`.`name` order by sum(`p`.`amount`) desc

-- needs manual conversion: view sakila.sales_by_store — written in MariaDB's dialect
-- CREATE VIEW sales_by_store AS
-- select concat(`c`.`city`,',',`cy`.`country`) AS `store`,concat(`m`.`first_name`,' ',`m`.`last_name`) AS `manager`,sum(`p`.`amount`) AS `total_sales` from (((((((`sakila`.`payment` `p` join `sakila`.`rental` `r` on(`p`.`rental_id` = `r`.`rental_id`)) join `sakila`.`inventory` `i` on(`r`.`inventory_id` = `i`.`inventory_id`)) join `sakila`.`store` `s` on(`i`.`store_id` = `s`.`store_id`)) join `sakila`.`address` `a` on(`s`.`address_id` = `a`.`address_id`)) join `sakila`.`city` `c` on(`a`.`city_id` = `c`.`city_id`)) join `sakila`.`country` `cy` on(`c`.`country_id` = `cy`.`country_id`)) join `sakila`.`staff` `m` on(`s`.`manager_staff_id` = `m`.`staff_id`)) group by `s`.`store_id` order by `cy`.`country`,`c`.`city`

-- needs manual conversion: view sakila.staff_list — written in MariaDB's dialect
-- CREATE VIEW staff_list AS
-- select `s`.`staff_id` AS `ID`,concat(`s`.`first_name`,' ',`s`.`last_name`) AS `name`,`a`.`address` AS `address`,`a`.`postal_code` AS `zip code`,`a`.`phone` AS `phone`,`sakila`.`city`.`city` AS `city`,`sakila`.`country`.`country` AS `country`,`s`.`store_id` AS `SID` from (((`sakila`.`staff` `s` join `sakila`.`address` `a` on(`s`.`address_id` = `a`.`address_id`)) join `sakila`.`city` on(`a`.`city_id` = `sakila`.`city`.`city_id`)) join `sakila`.`country` on(`sakila`.`city`.`country_id` = `sakila`.`country`.`country_id`))

-- needs manual conversion: trigger sakila.customer_create_date — written in MariaDB's dialect
-- CREATE TRIGGER `customer_create_date` BEFORE INSERT ON `customer` FOR EACH ROW SET NEW.create_date = NOW()

-- needs manual conversion: trigger sakila.del_film — written in MariaDB's dialect
-- CREATE TRIGGER `del_film` AFTER DELETE ON `film` FOR EACH ROW BEGIN
--     DELETE FROM film_text WHERE film_id = old.film_id;
--   END

-- needs manual conversion: trigger sakila.ins_film — written in MariaDB's dialect
-- CREATE TRIGGER `ins_film` AFTER INSERT ON `film` FOR EACH ROW BEGIN
--     INSERT INTO film_text (film_id, title, description)
--         VALUES (new.film_id, new.title, new.description);
--   END

-- needs manual conversion: trigger sakila.upd_film — written in MariaDB's dialect
-- CREATE TRIGGER `upd_film` AFTER UPDATE ON `film` FOR EACH ROW BEGIN
--     IF (old.title != new.title) OR (old.description != new.description) OR (old.film_id != new.film_id)
--     THEN
--         UPDATE film_text
--             SET title=new.title,
--                 description=new.description,
--                 film_id=new.film_id
--         WHERE film_id=old.film_id;
--     END IF;
--   END

-- needs manual conversion: trigger sakila.payment_date — written in MariaDB's dialect
-- CREATE TRIGGER `payment_date` BEFORE INSERT ON `payment` FOR EACH ROW SET NEW.payment_date = NOW()

-- needs manual conversion: trigger sakila.rental_date — written in MariaDB's dialect
-- CREATE TRIGGER `rental_date` BEFORE INSERT ON `rental` FOR EACH ROW SET NEW.rental_date = NOW()

-- needs manual conversion: function sakila.get_customer_balance — written in MariaDB's dialect
-- CREATE FUNCTION `get_customer_balance`(`p_customer_id` int(11), `p_effective_date` datetime) RETURNS decimal(5,2)
-- DETERMINISTIC
-- READS SQL DATA
-- BEGIN
-- 
--        
--        
--        
--        
--        
--        
-- 
--   DECLARE v_rentfees DECIMAL(5,2); 
--   DECLARE v_overfees INTEGER;      
--   DECLARE v_payments DECIMAL(5,2); 
-- 
--   SELECT IFNULL(SUM(film.rental_rate),0) INTO v_rentfees
--     FROM film, inventory, rental
--     WHERE film.film_id = inventory.film_id
--       AND inventory.inventory_id = rental.inventory_id
--       AND rental.rental_date <= p_effective_date
--       AND rental.customer_id = p_customer_id;
-- 
--   SELECT IFNULL(SUM(IF((TO_DAYS(rental.return_date) - TO_DAYS(rental.rental_date)) > film.rental_duration,
--         ((TO_DAYS(rental.return_date) - TO_DAYS(rental.rental_date)) - film.rental_duration),0)),0) INTO v_overfees
--     FROM rental, inventory, film
--     WHERE film.film_id = inventory.film_id
--       AND inventory.inventory_id = rental.inventory_id
--       AND rental.rental_date <= p_effective_date
--       AND rental.customer_id = p_customer_id;
-- 
-- 
--   SELECT IFNULL(SUM(payment.amount),0) INTO v_payments
--     FROM payment
-- 
--     WHERE payment.payment_date <= p_effective_date
--     AND payment.customer_id = p_customer_id;
-- 
--   RETURN v_rentfees + v_overfees - v_payments;
-- END

-- needs manual conversion: function sakila.inventory_held_by_customer — written in MariaDB's dialect
-- CREATE FUNCTION `inventory_held_by_customer`(`p_inventory_id` int(11)) RETURNS int(11)
-- READS SQL DATA
-- BEGIN
--   DECLARE v_customer_id INT;
--   DECLARE EXIT HANDLER FOR NOT FOUND RETURN NULL;
-- 
--   SELECT customer_id INTO v_customer_id
--   FROM rental
--   WHERE return_date IS NULL
--   AND inventory_id = p_inventory_id;
-- 
--   RETURN v_customer_id;
-- END

-- needs manual conversion: function sakila.inventory_in_stock — written in MariaDB's dialect
-- CREATE FUNCTION `inventory_in_stock`(`p_inventory_id` int(11)) RETURNS tinyint(1)
-- READS SQL DATA
-- BEGIN
--     DECLARE v_rentals INT;
--     DECLARE v_out     INT;
-- 
--     
--     
-- 
--     SELECT COUNT(*) INTO v_rentals
--     FROM rental
--     WHERE inventory_id = p_inventory_id;
-- 
--     IF v_rentals = 0 THEN
--       RETURN TRUE;
--     END IF;
-- 
--     SELECT COUNT(rental_id) INTO v_out
--     FROM inventory LEFT JOIN rental USING(inventory_id)
--     WHERE inventory.inventory_id = p_inventory_id
--     AND rental.return_date IS NULL;
-- 
--     IF v_out > 0 THEN
--       RETURN FALSE;
--     ELSE
--       RETURN TRUE;
--     END IF;
-- END

-- needs manual conversion: procedure sakila.film_in_stock — written in MariaDB's dialect
-- CREATE PROCEDURE `film_in_stock`(IN `p_film_id` int(11), IN `p_store_id` int(11), OUT `p_film_count` int(11))
-- READS SQL DATA
-- BEGIN
--      SELECT inventory_id
--      FROM inventory
--      WHERE film_id = p_film_id
--      AND store_id = p_store_id
--      AND inventory_in_stock(inventory_id);
-- 
--      SELECT FOUND_ROWS() INTO p_film_count;
-- END

-- needs manual conversion: procedure sakila.film_not_in_stock — written in MariaDB's dialect
-- CREATE PROCEDURE `film_not_in_stock`(IN `p_film_id` int(11), IN `p_store_id` int(11), OUT `p_film_count` int(11))
-- READS SQL DATA
-- BEGIN
--      SELECT inventory_id
--      FROM inventory
--      WHERE film_id = p_film_id
--      AND store_id = p_store_id
--      AND NOT inventory_in_stock(inventory_id);
-- 
--      SELECT FOUND_ROWS() INTO p_film_count;
-- END

-- needs manual conversion: procedure sakila.rewards_report — written in MariaDB's dialect
-- CREATE PROCEDURE `rewards_report`(IN `min_monthly_purchases` tinyint(3) unsigned, IN `min_dollar_amount_purchased` decimal(10,2) unsigned, OUT `count_rewardees` int(11))
-- READS SQL DATA
-- COMMENT 'Provides a customizable report on best customers'
-- proc: BEGIN
-- 
--     DECLARE last_month_start DATE;
--     DECLARE last_month_end DATE;
-- 
--     
--     IF min_monthly_purchases = 0 THEN
--         SELECT 'Minimum monthly purchases parameter must be > 0';
--         LEAVE proc;
--     END IF;
--     IF min_dollar_amount_purchased = 0.00 THEN
--         SELECT 'Minimum monthly dollar amount purchased parameter must be > $0.00';
--         LEAVE proc;
--     END IF;
-- 
--     
--     SET last_month_start = DATE_SUB(CURRENT_DATE(), INTERVAL 1 MONTH);
--     SET last_month_start = STR_TO_DATE(CONCAT(YEAR(last_month_start),'-',MONTH(last_month_start),'-01'),'%Y-%m-%d');
--     SET last_month_end = LAST_DAY(last_month_start);
-- 
--     
--     CREATE TEMPORARY TABLE tmpCustomer (customer_id SMALLINT UNSIGNED NOT NULL PRIMARY KEY);
-- 
--     
--     INSERT INTO tmpCustomer (customer_id)
--     SELECT p.customer_id
--     FROM payment AS p
--     WHERE DATE(p.payment_date) BETWEEN last_month_start AND last_month_end
--     GROUP BY customer_id
--     HAVING SUM(p.amount) > min_dollar_amount_purchased
--     AND COUNT(customer_id) > min_monthly_purchases;
-- 
--     
--     SELECT COUNT(*) FROM tmpCustomer INTO count_rewardees;
-- 
--     
--     SELECT c.*
--     FROM tmpCustomer AS t
--     INNER JOIN customer AS c ON t.customer_id = c.customer_id;
-- 
--     
--     DROP TABLE tmpCustomer;
-- END
