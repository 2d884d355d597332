"""REST API of the tenants app, one module per capability (the same names as views/ and
actions/)."""
