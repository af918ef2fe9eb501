-- Indexed search of the CRM lists, and indexes for their sort orders. Keep this file and
-- ../postgres/0003_search.sql in step; the queries are in keel-db/src/search.rs.
--
-- Search: one contentless FTS5 table per list with the trigram tokenizer (any substring of
-- three or more characters, Chinese included, case-insensitive). Its rows are keyed by
-- <table>_search_keys, a stable integer per record: the tables' own rowids are not INTEGER
-- PRIMARY KEYs, so VACUUM may renumber them. Triggers keep both in step with every write,
-- whatever code path (forms, API, imports) makes it.

CREATE TABLE accounts_search_keys (search_key INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE);
CREATE VIRTUAL TABLE accounts_fts USING fts5(name, industry, region, tags, content='', contentless_delete=1, tokenize='trigram');
INSERT INTO accounts_search_keys (id) SELECT id FROM accounts ORDER BY id;
INSERT INTO accounts_fts (rowid, name, industry, region, tags)
    SELECT k.search_key, r.name, r.industry, r.region, r.tags FROM accounts r JOIN accounts_search_keys k ON k.id = r.id;
CREATE TRIGGER accounts_search_insert AFTER INSERT ON accounts BEGIN
    INSERT INTO accounts_search_keys (id) VALUES (new.id);
    INSERT INTO accounts_fts (rowid, name, industry, region, tags) VALUES ((SELECT search_key FROM accounts_search_keys WHERE id = new.id), new.name, new.industry, new.region, new.tags);
END;
CREATE TRIGGER accounts_search_update AFTER UPDATE OF name, industry, region, tags ON accounts BEGIN
    DELETE FROM accounts_fts WHERE rowid = (SELECT search_key FROM accounts_search_keys WHERE id = old.id);
    INSERT INTO accounts_fts (rowid, name, industry, region, tags) VALUES ((SELECT search_key FROM accounts_search_keys WHERE id = new.id), new.name, new.industry, new.region, new.tags);
END;
CREATE TRIGGER accounts_search_delete AFTER DELETE ON accounts BEGIN
    DELETE FROM accounts_fts WHERE rowid = (SELECT search_key FROM accounts_search_keys WHERE id = old.id);
    DELETE FROM accounts_search_keys WHERE id = old.id;
END;

CREATE TABLE contacts_search_keys (search_key INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE);
CREATE VIRTUAL TABLE contacts_fts USING fts5(name, title, email, phone, content='', contentless_delete=1, tokenize='trigram');
INSERT INTO contacts_search_keys (id) SELECT id FROM contacts ORDER BY id;
INSERT INTO contacts_fts (rowid, name, title, email, phone)
    SELECT k.search_key, r.name, r.title, r.email, r.phone FROM contacts r JOIN contacts_search_keys k ON k.id = r.id;
CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_search_keys (id) VALUES (new.id);
    INSERT INTO contacts_fts (rowid, name, title, email, phone) VALUES ((SELECT search_key FROM contacts_search_keys WHERE id = new.id), new.name, new.title, new.email, new.phone);
END;
CREATE TRIGGER contacts_search_update AFTER UPDATE OF name, title, email, phone ON contacts BEGIN
    DELETE FROM contacts_fts WHERE rowid = (SELECT search_key FROM contacts_search_keys WHERE id = old.id);
    INSERT INTO contacts_fts (rowid, name, title, email, phone) VALUES ((SELECT search_key FROM contacts_search_keys WHERE id = new.id), new.name, new.title, new.email, new.phone);
END;
CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts BEGIN
    DELETE FROM contacts_fts WHERE rowid = (SELECT search_key FROM contacts_search_keys WHERE id = old.id);
    DELETE FROM contacts_search_keys WHERE id = old.id;
END;

CREATE TABLE leads_search_keys (search_key INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE);
CREATE VIRTUAL TABLE leads_fts USING fts5(name, company, email, phone, content='', contentless_delete=1, tokenize='trigram');
INSERT INTO leads_search_keys (id) SELECT id FROM leads ORDER BY id;
INSERT INTO leads_fts (rowid, name, company, email, phone)
    SELECT k.search_key, r.name, r.company, r.email, r.phone FROM leads r JOIN leads_search_keys k ON k.id = r.id;
CREATE TRIGGER leads_search_insert AFTER INSERT ON leads BEGIN
    INSERT INTO leads_search_keys (id) VALUES (new.id);
    INSERT INTO leads_fts (rowid, name, company, email, phone) VALUES ((SELECT search_key FROM leads_search_keys WHERE id = new.id), new.name, new.company, new.email, new.phone);
END;
CREATE TRIGGER leads_search_update AFTER UPDATE OF name, company, email, phone ON leads BEGIN
    DELETE FROM leads_fts WHERE rowid = (SELECT search_key FROM leads_search_keys WHERE id = old.id);
    INSERT INTO leads_fts (rowid, name, company, email, phone) VALUES ((SELECT search_key FROM leads_search_keys WHERE id = new.id), new.name, new.company, new.email, new.phone);
END;
CREATE TRIGGER leads_search_delete AFTER DELETE ON leads BEGIN
    DELETE FROM leads_fts WHERE rowid = (SELECT search_key FROM leads_search_keys WHERE id = old.id);
    DELETE FROM leads_search_keys WHERE id = old.id;
END;

CREATE TABLE deals_search_keys (search_key INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE);
CREATE VIRTUAL TABLE deals_fts USING fts5(name, product_line, content='', contentless_delete=1, tokenize='trigram');
INSERT INTO deals_search_keys (id) SELECT id FROM deals ORDER BY id;
INSERT INTO deals_fts (rowid, name, product_line)
    SELECT k.search_key, r.name, r.product_line FROM deals r JOIN deals_search_keys k ON k.id = r.id;
CREATE TRIGGER deals_search_insert AFTER INSERT ON deals BEGIN
    INSERT INTO deals_search_keys (id) VALUES (new.id);
    INSERT INTO deals_fts (rowid, name, product_line) VALUES ((SELECT search_key FROM deals_search_keys WHERE id = new.id), new.name, new.product_line);
END;
CREATE TRIGGER deals_search_update AFTER UPDATE OF name, product_line ON deals BEGIN
    DELETE FROM deals_fts WHERE rowid = (SELECT search_key FROM deals_search_keys WHERE id = old.id);
    INSERT INTO deals_fts (rowid, name, product_line) VALUES ((SELECT search_key FROM deals_search_keys WHERE id = new.id), new.name, new.product_line);
END;
CREATE TRIGGER deals_search_delete AFTER DELETE ON deals BEGIN
    DELETE FROM deals_fts WHERE rowid = (SELECT search_key FROM deals_search_keys WHERE id = old.id);
    DELETE FROM deals_search_keys WHERE id = old.id;
END;

-- Sort orders of the lists (keyset pages walk these).
CREATE INDEX accounts_created ON accounts (created_at, id);
CREATE INDEX accounts_last_activity ON accounts (last_activity_at, id);
CREATE INDEX contacts_name ON contacts (name, id);
CREATE INDEX leads_created ON leads (created_at, id);
CREATE INDEX deals_created ON deals (created_at, id);
CREATE INDEX deals_amount ON deals (amount_minor, id);
CREATE INDEX deals_close ON deals (expected_close, id);
CREATE INDEX activities_at ON activities (at, id);
CREATE INDEX satisfaction_at ON satisfaction (at, id);
