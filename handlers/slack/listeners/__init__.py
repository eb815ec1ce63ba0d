"""One module per kind of listener, each with register(app, deps), as in Slack's Bolt starter template."""

from handlers.slack.listeners import actions, commands, digest, events, home, indicator, recs

# In registration order: indicator first, as its listener for files shared in a DM must be matched before the
# one for DMs; digest before actions, as a preview's buttons carry the answers' action ids.
ALL = (indicator, events, digest, actions, commands, home, recs)

__all__ = ["ALL"]
