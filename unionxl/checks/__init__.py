"""Validation: every cell converted by its field type, then structure, cover and row checks; one finding taxonomy."""
