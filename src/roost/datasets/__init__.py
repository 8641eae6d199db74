"""Datasets built from the event log and the database, with consent checked at build time
(docs/subsystems/datasets.md): builds (service, builder), kinds/ (one module per kind), personal
data (pii), near-duplicates (dedup), Parquet files, cards and manifests (writer)."""
