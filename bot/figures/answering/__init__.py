"""Answering questions: a dispatcher (Answerer), one module an intent, and the fact loader they share."""

from bot.figures.answering.dispatch import Answerer

__all__ = ["Answerer"]
