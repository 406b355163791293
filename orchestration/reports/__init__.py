"""Reading reports: raw files -> decoded text -> clean text, metadata, sections, sentences.

Knows nothing of Dagster. The data's path: `raw.read_report` then `parsed.parse_report`.
"""
