"""Workshop pages and the live board's HTMX partials.

A change made through HTMX answers 204 with an ``HX-Trigger: workshop-changed`` header (or the
panel it came from, re-rendered), and the board fetches its new state at once; everyone else's
board sees the new version on its next one-second poll of :func:`workshop_state`. Without
JavaScript every form posts normally and is redirected back to the board.
"""
