"""Who to follow (friends of friends, then popular active people) and the profile directory."""
