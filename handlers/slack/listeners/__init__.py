"""One module per kind of listener, each with register(app, deps), as in Slack's Bolt starter template."""

from handlers.slack.listeners import actions, commands, events, home, indicator, recs

# In registration order: indicator first, as its listener for files shared in a DM must be matched before the
# one for DMs.
ALL = (indicator, events, actions, commands, home, recs)

__all__ = ["ALL"]
