"""Settings split by environment: base, local (embedded demo), production, test."""
