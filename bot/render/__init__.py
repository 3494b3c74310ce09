"""Rendering an alert for each place it is read: console text, Discord, Slack, JSON.

Every renderer escapes feed text for its platform (``escape``) and keeps within the
platform's limits (``limits``), so a hostile or huge feed item can neither ping anyone nor
make a message the platform refuses.
"""
