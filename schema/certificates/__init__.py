"""Record certificates and the honour roll in the API."""
