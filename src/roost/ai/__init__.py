"""Generative AI inside Roost (issue 4): providers behind one protocol per capability, chosen in
configuration (built-in offline defaults, local models by path, remote OpenAI-compatible), and
what uses them. See docs/subsystems/ai.md."""
