"""Pages of routing, one module per capability."""
