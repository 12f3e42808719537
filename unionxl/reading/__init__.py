"""Getting a village's file in: which files a batch holds, whether their bytes are safe, their sheets as tables."""
