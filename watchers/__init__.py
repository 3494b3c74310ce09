"""From news feeds to changes in the words governments use about each other.

Nothing in this package knows about chat platforms; `bot` builds on it.
"""
