"""Polls, Q&A and timed comments on the client: time cues, the live stream and an offline outbox."""
