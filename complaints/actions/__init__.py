"""Write paths of complaints: each `do_<verb>_<noun>` is the only code that does its job."""
