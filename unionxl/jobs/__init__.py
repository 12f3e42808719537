"""The service layer: every workflow a door offers (validate a batch, merge, summarise, templates), one file per worker."""
