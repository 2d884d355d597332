"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) and mySociety's
servicerequestupdates extension, served under /open311/v2/."""
