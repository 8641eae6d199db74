"""Scheduled posts: kept as parameters until their time, then published through create_post."""
