"""Image generations as durable jobs: start, run (tasks.py), cancel, pick, remix lineage."""
