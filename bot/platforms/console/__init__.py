"""The terminal: every change printed as it is found, in text or JSON (``--format``).

Not a chat platform: nothing subscribes to it and nothing is routed to it; ``poll``,
``run``, ``demo`` and ``replay`` print every change there.
"""
