"""Alt text suggested by the captioner for a person's own uploads."""
