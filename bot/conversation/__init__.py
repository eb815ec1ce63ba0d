"""The conversation layer every chat platform shares: what came in, where replies go, the card to show, the
messenger that shows it, and the one flow that answers (de-duplicate, answer, post, draw, attach, apologise)."""
