"""Scrutiny and improvement-plan recommendations in conversation: questions answered (service), officers'
status changes and updates (updates), and the tracker as boards keep it (tracker)."""

from bot.recommendations.asking import Recommendations

__all__ = ["Recommendations"]
