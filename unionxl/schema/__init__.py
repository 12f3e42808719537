"""What a village workbook holds, described once: field types, code lists, the cover and the registers."""
