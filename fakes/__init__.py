"""Loopback stand-ins for the chat platforms (Slack Web API, Bot Framework connector): shared by tests and bench."""
