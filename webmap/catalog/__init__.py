"""The catalogue: the loaded data (index, atlas, stories, version), its queries and reloads."""
