"""Microsoft Teams: Bot Framework activities in, Adaptive Cards out, over the Bot Connector REST API."""
