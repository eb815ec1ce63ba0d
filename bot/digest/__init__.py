"""Committee digests: a briefing for each community committee before its meetings."""
