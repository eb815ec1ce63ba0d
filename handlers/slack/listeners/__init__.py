"""One module per kind of listener, each with register(app, deps), as in Slack's Bolt starter template."""
