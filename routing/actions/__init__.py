"""Writers of routing's public tables (do_<verb>_<noun>, keyword-only, atomic)."""
