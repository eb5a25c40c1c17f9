"""asker: ask the bank's data in Chinese or English, answered from governed metric definitions."""

__version__ = "0.1.0"
