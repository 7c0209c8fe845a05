"""pg_catalog and information_schema relations (see heliosd.engine.syscat)."""
