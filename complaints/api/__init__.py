"""REST API of complaints, one module per capability (the same names as complaints.views)."""
