"""Metrics: numbers in a parsed report's prose -> standard facts with provenance.

Knows nothing of Dagster. Entry point: `facts.extract_facts`.
"""
