"""The quarterly assessment in the API (resolvers/assessment/)."""
