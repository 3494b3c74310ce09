"""The chat layer, the same for every platform: who gets a change (``decide``), getting it
there (``deliver``), what is remembered (``store``), ``/watch`` (``commands``), and the
ports a platform implements (``ports``). It imports no platform library."""
