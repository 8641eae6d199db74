"""People's own data: an archive of everything a person has on Roost, built by a job as a ZIP
under the data directory (never served statically), downloadable by its owner until it expires
(docs/subsystems/archive.md)."""
