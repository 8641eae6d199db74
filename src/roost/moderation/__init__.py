"""Reports to the moderators and how they are handled. See docs/subsystems/moderation.md."""
