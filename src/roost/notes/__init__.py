"""Notes: anyone adds context to a post, others rate the notes helpful or not.
See docs/subsystems/notes.md."""
