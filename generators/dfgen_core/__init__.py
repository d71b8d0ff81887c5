"""The dfgen front end shared by every family."""
