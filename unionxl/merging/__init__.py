"""One submission per village, and the checks across villages."""
