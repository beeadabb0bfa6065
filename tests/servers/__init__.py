"""Test servers: real or spec-validated stand-ins for the services scaffold talks to."""
