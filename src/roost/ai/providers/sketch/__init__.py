"""The built-in sketch generator's parts: palettes, drawable subjects, finishing styles."""
