"""The reference cluster: throwaway PostgreSQL, Redis, app servers and nginx on loopback."""
