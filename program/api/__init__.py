"""The JSON API: read-only resources for apps, bots and other sites (docs/api/json.md)."""
