"""Capture (issue 5 §4): what feeds served to whom (impressions), which threads and images people
opened, "show more / show less like this", ratings of the assistant's answers and "try again" on
them — all recorded in the event log, each event carrying the actor's consent
(docs/subsystems/capture.md)."""
