-- Indexed search of the CRM lists, and indexes for their sort orders. Keep this file and
-- ../sqlite/0003_search.sql in step; the queries are in keel-db/src/search.rs.
--
-- Search: pg_trgm GIN indexes over the lower-cased searched columns joined by U+001F (so a
-- match never spans two fields). Queries use LIKE on the very same expression, which is how
-- the planner knows it may use the index. pg_trgm is a trusted extension (PostgreSQL 13+):
-- the database owner may create it without being a superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX accounts_search ON accounts USING gin ((lower(name || chr(31) || coalesce(industry, '') || chr(31) || coalesce(region, '') || chr(31) || tags)) gin_trgm_ops);
CREATE INDEX contacts_search ON contacts USING gin ((lower(name || chr(31) || coalesce(title, '') || chr(31) || coalesce(email, '') || chr(31) || coalesce(phone, ''))) gin_trgm_ops);
CREATE INDEX leads_search ON leads USING gin ((lower(name || chr(31) || coalesce(company, '') || chr(31) || coalesce(email, '') || chr(31) || coalesce(phone, ''))) gin_trgm_ops);
CREATE INDEX deals_search ON deals USING gin ((lower(name || chr(31) || coalesce(product_line, ''))) gin_trgm_ops);
-- Deals and contacts are also found by their account's name.
CREATE INDEX accounts_name_search ON accounts USING gin ((lower(name)) gin_trgm_ops);

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
