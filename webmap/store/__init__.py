"""Where the record is kept when it is not the files: PostgreSQL + PostGIS."""
