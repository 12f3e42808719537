"""Upstream forms: the township's data in the layout another system imports (``unionxl export``)."""
