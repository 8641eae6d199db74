"""Moderation of AI prompts and outputs (issue 4, capability 6): text toxicity plus a blocklist,
image NSFW, and a log of every decision for moderators. See docs/subsystems/ai-moderation.md.

Callers use `service.moderate_prompt / moderate_text / moderate_image`; the checkers themselves
(`base.TextModerator`, `base.ImageModerator`) work without a database."""

from roost.ai.moderation.base import ImageModerator, TextModerator, Verdict

__all__ = ["ImageModerator", "TextModerator", "Verdict"]
