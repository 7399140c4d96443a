"""Recognition (嘉许礼遇): the points ledger and the exchange mall."""
