"""The service desk's pages: tickets (queue, ticket page, actions), intake, incidents."""
