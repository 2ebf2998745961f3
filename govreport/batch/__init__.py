"""Render every agency-year of a dataset: scheduling, incremental state, the index page."""
