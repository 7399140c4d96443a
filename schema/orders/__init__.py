"""schema.orders.fields."""
