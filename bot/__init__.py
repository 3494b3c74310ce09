"""From a change to a message in a channel: config, routing, rendering, delivery, commands."""
