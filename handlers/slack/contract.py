"""What the app asks of Slack. The listeners register exactly these, and manifest.yaml must match them."""

from __future__ import annotations

EVENTS = ("app_mention", "message", "app_home_opened")
# The manifest subscribes to message.im only: DMs. Channel messages arrive as app_mention.
BOT_EVENTS = ("app_mention", "message.im", "app_home_opened")
COMMANDS = ("/brief",)
ASK_ACTION = "briefbot_ask"
HOME_AREAS_ACTION = "briefbot_home_areas"
ACTIONS = (ASK_ACTION, HOME_AREAS_ACTION)
SCOPES = ("app_mentions:read", "chat:write", "commands", "files:write", "im:history")
