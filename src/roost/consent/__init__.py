"""Training consent: what each account lets Roost use to train models.

Levels, from least to most: "none" (the default: nothing), "public_posts" (their public posts, less
any post they excluded), "all" (public posts plus their picks, feedback and annotations). Every change
is appended to the training_consents ledger; the level in force is also on accounts.training_consent.

Dataset builders ask this module (see `rules` for the pure decisions, `queries` for the database)."""

from roost.consent.rules import KINDS, LEVELS, Change, level_at, may_use, may_use_post

__all__ = ["KINDS", "LEVELS", "Change", "level_at", "may_use", "may_use_post"]
