"""REST API of routing, one module per capability (the same names as routing.views)."""
