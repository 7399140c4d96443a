"""Recognition in the API: points, the ledger and the exchange mall."""
