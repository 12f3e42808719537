"""Township indicators (counts and amounts, never people) and the summary template they fill."""
