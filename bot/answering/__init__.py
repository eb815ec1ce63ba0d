"""Answering questions: a dispatcher (Answerer), one module an intent, and the fact loader they share."""

from bot.answering.dispatch import Answerer

__all__ = ["Answerer"]
