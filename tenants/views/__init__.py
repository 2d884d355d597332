"""Pages of the tenants app, one module per capability (the same names as api/ and actions/)."""
