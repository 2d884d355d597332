"""The complaint side's public-schema tables (a SHARED app nested in complaints)."""
