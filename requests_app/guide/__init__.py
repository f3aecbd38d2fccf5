"""Guide content: its snapshot and how it is read, planning, Markdown, the shipped YAML and its admin."""
