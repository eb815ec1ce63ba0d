"""Slack: the Bolt app's listeners. Thin: acknowledge, parse, ask the core, render Block Kit, post."""
