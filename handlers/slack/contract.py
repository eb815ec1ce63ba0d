"""What the app asks of Slack. The listeners register exactly these, and manifest.yaml must match them."""

from __future__ import annotations

EVENTS = ("app_mention", "message", "app_home_opened")
# The manifest subscribes to message.im only: DMs. Channel messages arrive as app_mention.
BOT_EVENTS = ("app_mention", "message.im", "app_home_opened")
COMMANDS = ("/brief", "/indicator", "/rec", "/meeting")
ASK_ACTION = "briefbot_ask"
HOME_AREAS_ACTION = "briefbot_home_areas"
# Officers' updates: the preview's buttons, and the form (a modal) with its confirmation step.
UPDATE_CONFIRM_ACTION = "briefbot_update_confirm"
UPDATE_CANCEL_ACTION = "briefbot_update_cancel"
UPDATE_FORM_VIEW = "briefbot_update_form"
UPDATE_CONFIRM_VIEW = "briefbot_update_confirm_view"
# Recommendation updates (/rec): the same preview, with buttons of their own.
REC_CONFIRM_ACTION = "briefbot_rec_confirm"
REC_CANCEL_ACTION = "briefbot_rec_cancel"
REC_UNDO_ACTION = "briefbot_rec_undo"
ACTIONS = (
    ASK_ACTION,
    HOME_AREAS_ACTION,
    UPDATE_CONFIRM_ACTION,
    UPDATE_CANCEL_ACTION,
    REC_CONFIRM_ACTION,
    REC_CANCEL_ACTION,
    REC_UNDO_ACTION,
)
# A digest preview's buttons (Post now, Skip, Edit note) are the core's Choices, so they carry ASK_ACTION ids;
# handlers/slack/listeners/digest.py takes those whose value is a preview control before they are read as
# questions. Edit note opens this modal.
DIGEST_NOTE_VIEW = "briefbot_digest_note"
VIEWS = (UPDATE_FORM_VIEW, UPDATE_CONFIRM_VIEW, DIGEST_NOTE_VIEW)
# usergroups:read resolves BRIEFBOT_OFFICER_GROUP; files:read downloads a CSV shared in a DM; channels:read and
# groups:read list a support channel's members (who, besides officers, may press a preview's buttons);
# channels:history, groups:history and im:write (conversations.open, for a DM) let a digest whose post was cut off
# by a crash be looked up by its metadata before it is posted again (bot/digest/delivery.py).
SCOPES = (
    "app_mentions:read",
    "channels:history",
    "channels:read",
    "chat:write",
    "commands",
    "files:read",
    "files:write",
    "groups:history",
    "groups:read",
    "im:history",
    "im:write",
    "usergroups:read",
)
