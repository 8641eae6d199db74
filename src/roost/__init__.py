"""Roost: a self-hostable, AI-native social network."""

__version__ = "0.1.0"
MASTODON_API_VERSION = "4.3.0"
