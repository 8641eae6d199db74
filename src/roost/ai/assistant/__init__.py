"""The assistant account: answers posts that mention it (issue 4). See docs/subsystems/ai.md."""
