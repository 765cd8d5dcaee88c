"""The history of recorded sets: a local SQLite database, its records, queries, export/import and trends."""
