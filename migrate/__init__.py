"""sfa-migrate: messy deal trackers in, clean SFA import files and a quality report out."""

__version__ = "0.1.0"
