"""schema.accounts.fields."""
