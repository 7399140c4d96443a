"""resolvers.accounts."""
