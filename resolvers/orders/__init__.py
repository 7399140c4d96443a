"""resolvers.orders."""
