"""The OAuth2 client-credentials token endpoint and the bearer check of the national routes."""
