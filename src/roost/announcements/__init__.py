"""Announcements from the admins to every local user, with dismissals and emoji reactions."""
