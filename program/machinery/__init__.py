"""The machinery: what every request or write passes through without being called.

The response cache (responses), the database's commit stamps (stamps), the security and
upload middleware (middleware), read-only HTTP methods (http), login limits (logins), the
backup serializer (serialization) and the clock the site reads (clock). Nothing here imports
the domain, the pages, the admin, the API or the feeds (docs/developers/architecture.md).
"""
