"""Test servers: GitHub REST API (validated against its OpenAPI description) with git over smart HTTP,
and a real Backstage backend."""
