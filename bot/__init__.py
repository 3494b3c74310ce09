"""From a change to a message in a channel: routing, rendering, delivery, commands, wiring."""
