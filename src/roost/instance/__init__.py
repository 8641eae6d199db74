"""The instance itself: who it is (title, rules, contact), its db-backed settings, its secrets."""
