"""Running several hosts of the assistant on one machine: the reference cluster and its parts
(throwaway PostgreSQL, Redis, app servers and nginx on loopback)."""
