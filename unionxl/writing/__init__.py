"""Every workbook unionxl writes: the village template, marked-up copies, the township workbook; atomically."""
