"""Trends: tags, statuses and links that recent public activity lifts, recomputed by the periodic
job `trends.refresh` and read by /api/v1/trends/*. See docs/subsystems/discovery.md."""
