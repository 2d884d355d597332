"""Web pages of complaints, one module per capability (the same names as complaints.api)."""
