"""Custom emojis: added by admins, listed by /api/v1/custom_emojis, rendered where `:shortcode:`
appears in posts, names and bios. See docs/subsystems/discovery.md."""
