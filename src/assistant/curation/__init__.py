"""Curation: staff change what a tenant knows as drafts, publish them as versions, roll back, and
export them to the tenant's files. Above the core: it builds tenants' models and runs an Assistant
on the drafts; the channels (API, CLI, staff page) call it."""
