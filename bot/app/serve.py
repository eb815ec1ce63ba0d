"""Composition root for chat: settings, store, core and the Slack listeners, served over HTTP or Socket Mode."""

from __future__ import annotations

import logging
import signal
import sys
from functools import partial
from wsgiref.types import WSGIApplication

from slack_bolt import App

from bot.app.errors import SettingError
from bot.app.scheduler import DigestScheduler
from bot.app.services import Services
from bot.app.settings import Settings, require_platforms, slack_configured
from bot.app.slack_app import build_slack
from bot.app.teams_app import build_teams
from bot.app.teams_settings import require_loopback
from bot.app.web import make_server, router
from bot.briefbot import Briefbot
from bot.conversation.flow import Conversation
from bot.figures.updates import Access
from charts.cache import ChartCache, ProcessRenderer
from handlers.slack.app import EVENTS_PATH, SocketMode, SocketModeRefused, slack_wsgi

log = logging.getLogger(__name__)


def chart_cache(settings: Settings) -> ChartCache:
    """Charts render in worker processes, so drawing never holds up Slack's acknowledgements. One worker
    leaves a core for the acknowledgements on a two-core machine (make bench: ack p99 51-87 ms with one
    worker, up to 107 ms with two)."""
    renderer = ProcessRenderer(workers=settings.chart_workers)
    renderer.start()
    return ChartCache(directory=settings.chart_cache_dir, renderer=renderer)


def readiness(bot: Briefbot, socket_mode: SocketMode | None = None) -> str | None:
    """/readyz: the store answers, the chart workers draw and, in Socket Mode, Slack's connection is open."""
    reason = bot.unready_reason()
    alive = getattr(bot.charts.renderer, "alive", None)
    if reason is None and alive is not None and not alive():
        reason = "chart workers not answering"
    if reason is None and socket_mode is not None and not socket_mode.connected:
        reason = "Slack Socket Mode not connected"
    return reason


def open_socket_mode(slack_app: App, app_token: str, conversation: Conversation) -> SocketMode:
    """Slack over Socket Mode, alongside the HTTP server (health, readiness, and Teams when it is configured
    too). A token Slack refuses stops start-up with one line saying so."""
    socket_mode = SocketMode(slack_app, app_token, arriving=conversation.arrivals.arriving)
    try:
        socket_mode.open()
    except SocketModeRefused as error:
        socket_mode.close()
        sys.exit(f"briefbot: {error}")
    log.info("briefbot: Slack over Socket Mode")
    return socket_mode


def serve(settings: Settings, bot: Briefbot) -> None:
    require_platforms(settings)
    try:
        require_loopback(settings.teams, settings.host)
    except SettingError as error:
        getattr(bot.charts.renderer, "shutdown", lambda: None)()
        raise SystemExit(f"Error: {error}") from None  # one line on stderr, exit status 1
    # SIGTERM (systemd, Kubernetes) unwinds like Ctrl-C: the server stops taking requests, replies in flight
    # get the grace period to finish, and what is left is handed back to the store for the next process.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))
    conversation = Conversation(bot, workers=settings.workers)
    services = Services.from_settings(settings, conversation)
    routes: dict[str, WSGIApplication] = {}
    slack_app = None
    if slack_configured(settings):
        slack_app, _deps = build_slack(
            conversation,
            token=settings.slack_bot_token,
            signing_secret=settings.slack_signing_secret,
            base_url=settings.slack_api_base_url or None,
            access=Access(officers=settings.officers, admins=settings.admins, officer_group=settings.officer_group),
            services=services,
        )
        if not settings.slack_app_token:  # in Socket Mode, Slack sends nothing over HTTP
            routes[EVENTS_PATH] = slack_wsgi(slack_app)
    if settings.teams.configured:
        teams = build_teams(conversation, settings.teams, services=services)
        routes[teams.path] = teams.application
    # Messengers first, then recovery: what a dead process left needs its platform to answer on.
    conversation.start()
    digests = DigestScheduler(services.digests, timezone=settings.timezone)
    digests.start()
    socket_mode = None
    try:
        if slack_app is not None and settings.slack_app_token:
            socket_mode = open_socket_mode(slack_app, settings.slack_app_token, conversation)
        log.info("briefbot: serving %s on %s:%s", ", ".join(sorted(routes)) or "health", settings.host, settings.port)
        ready = partial(readiness, bot, socket_mode)
        application = router(routes, ready=ready, arrivals=conversation.arrivals)
        make_server(application, host=settings.host, port=settings.port, limits=settings.http).run()
    finally:
        if socket_mode is not None:
            socket_mode.close()
        digests.shutdown()
        services.shutdown()  # work under way (a Post now, an officer's reply) finishes before the messengers stop
        conversation.shutdown(grace=settings.shutdown_grace)
        stop_renderer = getattr(bot.charts.renderer, "shutdown", None)
        if stop_renderer is not None:
            stop_renderer()
