"""SMS keyword channel (seed 001: `BARUT ADUAN <text>` to 1708). See gateway.py for the
gateway protocol."""
