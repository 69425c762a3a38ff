"""Loading landing files into the ``raw`` schema."""
