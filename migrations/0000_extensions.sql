-- Trigram search on unit names (ILIKE '%…%' served by a GIN index).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
