"""CLI commands beyond the core set, one module each (a click command or group named `command`), added to the
main group in bot/app/cli.py."""
