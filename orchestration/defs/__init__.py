"""Dagster wiring only: thin assets that call the text-processing library."""
