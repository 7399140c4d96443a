"""GraphQL object types, one module per domain; they declare fields and delegate to resolvers/."""
