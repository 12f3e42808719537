"""unionxl: the Excel paperwork of Chinese township trade unions, correct and fast."""

__version__ = "0.1.0"
