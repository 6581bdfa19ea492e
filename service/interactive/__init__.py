"""The interactive layer: polls, questions (Q&A) and timed comments, moderation, the live stream
and the open interactions document. ``service.interactive.routes.ROUTERS`` lists its routers."""
