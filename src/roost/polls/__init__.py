"""Polls on posts: creating them with the post, voting, closing them when they expire."""
