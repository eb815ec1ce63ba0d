"""The composition root: settings, CLI, serve, scheduler and wiring. The only part of bot/ that reads the
environment or imports a chat SDK, a web server or a handler."""
